// Shared by the serve benchmarks: a model to serve (a .gguf given with --model, or a small one
// built once by `oellm build` into the OS temp dir), `oellm serve` started as its own process on
// 127.0.0.1, a streaming client that records time to first token, and the server's RSS.
// Not a test: prints figures for docs/BENCHMARKS.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/factory/build.js';

export const repo = new URL('../..', import.meta.url).pathname;
export const arg = (k: string, d?: string): string | undefined => {
  const i = process.argv.indexOf(`--${k}`);
  return i >= 0 ? process.argv[i + 1] : d;
};

/** The GGUF to benchmark: --model, else a dim-128, 4-layer model built once (≈ 1 min). */
export async function benchModel(): Promise<string> {
  const m = arg('model');
  if (m) return m;
  const out = join(tmpdir(), 'oellm-bench-serve-run2');
  const gguf = join(out, 'models', 'core', 'core-q8_0.gguf');
  if (existsSync(gguf)) return gguf;
  const cfg = join(tmpdir(), 'oellm-bench-serve.yaml');
  writeFileSync(cfg, 'name: bench-serve\nlanguages: [en, hr, de, fr]\ntokenizer: { vocabSize: 1024 }\nseries:\n  - { name: core, preset: micro, dim: 128, nLayers: 4, maxSteps: 300, seqLen: 128, batchSize: 8, evalEvery: 300, export: [q8_0] }\n');
  console.error(`building a bench model into ${out} …`);
  await runBuild({ file: cfg, out });
  return gguf;
}

export interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** `oellm serve` in a child process (from the sources through tsx unless --dist). */
export async function startServe(args: string[]): Promise<Server> {
  const env = { ...process.env, ...(process.argv.includes('--dist') ? {} : { OELLM_FROM_SOURCE: '1' }) };
  const proc = spawn(process.execPath, [join(repo, 'bin', 'oellm.js'), 'serve', ...args, '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  for (let i = 0; i < 1200 && !/\bready\b/.test(err); i++) {
    if (proc.exitCode !== null) throw new Error(`oellm serve exited: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /oellm serve: (http:\/\/[^\s]+)/.exec(err)?.[1];
  if (!url) throw new Error(`oellm serve did not start: ${err}`);
  return {
    url,
    proc,
    stop: async () => {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    },
  };
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

export interface StreamResult {
  status: number;
  text: string;
  tokens: number;
  ttft: number;
  seconds: number;
}

/** POSTs a streaming request and reads the SSE stream; ttft is to the first non-empty content. */
export async function streamRequest(url: string, path: string, body: unknown, signal?: AbortSignal, abortAfterFirst = false): Promise<StreamResult> {
  const t0 = performance.now();
  const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: signal ?? null });
  if (!r.ok || !r.body) {
    await r.text();
    return { status: r.status, text: '', tokens: 0, ttft: NaN, seconds: (performance.now() - t0) / 1000 };
  }
  const reader = r.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let text = '';
  let tokens = 0;
  let ttft = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = ev.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const c = JSON.parse(data) as { usage?: { completion_tokens: number }; error?: unknown; choices: { text?: string; delta?: { content?: string } }[] };
      if (c.error) throw new Error(JSON.stringify(c.error));
      if (c.usage) tokens = c.usage.completion_tokens;
      for (const ch of c.choices) {
        const t = ch.text ?? ch.delta?.content ?? '';
        if (t && Number.isNaN(ttft)) ttft = (performance.now() - t0) / 1000;
        text += t;
      }
      if (abortAfterFirst && text) {
        await reader.cancel();
        return { status: 200, text, tokens, ttft, seconds: (performance.now() - t0) / 1000 };
      }
    }
  }
  return { status: r.status, text, tokens, ttft, seconds: (performance.now() - t0) / 1000 };
}

export const pct = (xs: number[], p: number): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length - 1) * p + 0.5))]! : NaN;
};
