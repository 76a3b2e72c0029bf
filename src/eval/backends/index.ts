// Opens a backend from what the user passed to --model: http(s)://… → endpoint, *.gguf → llama.cpp,
// a directory → checkpoint (our forward pass). Not the backends themselves.
import { statSync } from 'node:fs';
import { OellmError } from '../../util/errors.js';
import type { Backend } from '../types.js';
import type { EndpointOptions } from './endpoint.js';

export interface OpenOptions {
  threads?: number;
  sequences?: number;
  endpoint?: EndpointOptions;
  id?: string;
}

export async function openBackend(spec: string, o: OpenOptions = {}): Promise<Backend> {
  const id = o.id !== undefined ? { id: o.id } : {};
  if (/^https?:\/\//.test(spec)) {
    const { EndpointBackend } = await import('./endpoint.js');
    return EndpointBackend.open(spec, { ...o.endpoint, ...id });
  }
  let isDir: boolean;
  try {
    isDir = statSync(spec).isDirectory();
  } catch {
    throw new OellmError(`model not found: ${spec}`, { file: spec, code: 'E_IO', hint: 'pass a checkpoint dir, a .gguf file or an http(s)://host/v1 URL' });
  }
  if (isDir) {
    const { CheckpointBackend } = await import('./checkpoint.js');
    return CheckpointBackend.open(spec, id);
  }
  const { GgufBackend } = await import('./gguf.js');
  return GgufBackend.open(spec, { ...id, ...(o.threads ? { threads: o.threads } : {}), ...(o.sequences ? { sequences: o.sequences } : {}) });
}
