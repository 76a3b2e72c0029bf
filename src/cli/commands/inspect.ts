// `oellm inspect <file.gguf>`: metadata and tensor table of any GGUF (ours or not), through the
// bounds-checked reader in src/formats/gguf/reader.ts. Long arrays are summarised.
import type { Command } from 'commander';
import { readGguf, type GgufScalar } from '../../formats/gguf/reader.js';
import { emit, fmtNum, table } from '../output.js';
import { parseNumber } from '../flags.js';

const show = (v: GgufScalar): string => (typeof v === 'string' ? JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v) : String(v));

export function register(program: Command): void {
  program
    .command('inspect')
    .description('print the metadata and tensor table of a GGUF file')
    .argument('<file>', 'a .gguf file')
    .option('--json', 'machine-readable output (arrays up to --max-items items)')
    .option('--max-items <n>', 'array items shown per key', '8')
    .action((file: string, o: { json?: boolean; maxItems: string }) => {
      const f = readGguf(file);
      const maxItems = parseNumber('max-items', o.maxItems, { int: true, min: 0 });
      const kv = [...f.kv].map(([key, e]) => {
        const arr = Array.isArray(e.value) ? e.value : undefined;
        return { key, type: arr ? `${e.itemType}[${arr.length}]` : e.type, value: arr ? arr.slice(0, maxItems) : e.value, ...(arr ? { length: arr.length } : {}) };
      });
      const tensors = f.tensors.map((t) => ({ name: t.name, type: t.type?.name ?? `unknown(${t.typeId})`, shape: t.shape, dims: t.dims, elements: t.nElements, bytes: t.nbytes ?? null, offset: t.offset }));
      const totalBytes = tensors.reduce((a, t) => a + (t.bytes ?? 0), 0);
      const nParams = tensors.reduce((a, t) => a + t.elements, 0);
      const json = {
        file,
        version: f.version,
        fileSize: f.fileSize,
        alignment: f.alignment,
        dataOffset: f.dataOffset,
        parameters: nParams,
        kv: Object.fromEntries(kv.map((k) => [k.key, k.length !== undefined ? { type: k.type, length: k.length, head: k.value } : k.value])),
        tensors,
      };
      emit(o.json, JSON.parse(JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))), () => {
        const kvRows = kv.map((k) => [k.key, k.type, Array.isArray(k.value) ? `[${(k.value as GgufScalar[]).map(show).join(', ')}${(k.length ?? 0) > maxItems ? ', …' : ''}]` : show(k.value as GgufScalar)]);
        const byType = new Map<string, number>();
        for (const t of tensors) byType.set(t.type, (byType.get(t.type) ?? 0) + 1);
        return (
          `${file}: GGUF v${f.version}, ${fmtNum(f.fileSize)} bytes, ${f.kv.size} metadata keys, ${tensors.length} tensors, ${fmtNum(nParams)} parameters\n\n` +
          table(['key', 'type', 'value'], kvRows) +
          '\n' +
          table(
            ['tensor', 'type', 'shape (row-major)', 'bytes'],
            tensors.map((t) => [t.name, t.type, `[${t.shape.join(', ')}]`, t.bytes ?? '?']),
          ) +
          `\n${[...byType].map(([k, v]) => `${v}× ${k}`).join(', ')}; tensor data ${fmtNum(totalBytes)} bytes (${((8 * totalBytes) / Math.max(1, nParams)).toFixed(2)} bits/parameter)\n`
        );
      });
    });
}
