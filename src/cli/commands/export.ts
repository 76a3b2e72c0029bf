// `oellm export gguf | megatron`: checkpoint → GGUF for llama.cpp (src/export/gguf.ts) and
// dataset → Megatron-LM indexed dataset (src/export/megatron.ts). Flag parsing and output only.
import type { Command } from 'commander';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lockDir } from '../../util/lock.js';
import { checkOutFile } from '../../util/outdir.js';
import { catchStopSignals, Interrupted, throwIfStopped } from '../../util/interrupt.js';
import { callInWorker } from '../../util/worker-call.js';
import { EXPORT_TYPES, exportGguf, parseExportType } from '../../export/gguf.js';
import { exportMegatron } from '../../export/megatron.js';
import { readCommitmentRoot } from '../../audit/commitment.js';
import { emit, fmtNum, table } from '../output.js';

const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/**
 * Runs an export into `file` with the location checked, `<file>.oellm.lock` held against a
 * second writer, and stop signals caught; a stopped export leaves no temp file behind.
 */
async function guardedExport<T>(file: string, run: () => Promise<T>): Promise<T> {
  const abs = checkOutFile(file);
  const unlock = lockDir(dirname(abs), { file: `${abs}.oellm.lock`, what: 'oellm export' });
  const release = catchStopSignals();
  try {
    return await run();
  } catch (e) {
    if (e instanceof Interrupted) {
      for (const n of readdirSync(dirname(abs))) if (n.startsWith(`.${basename(abs)}.tmp-${process.pid}-`)) rmSync(join(dirname(abs), n), { force: true });
    }
    throw e;
  } finally {
    release();
    unlock();
  }
}

export function register(program: Command): void {
  const ex = program.command('export').description('export a checkpoint to GGUF (llama.cpp, Ollama, LM Studio) or a dataset to Megatron-LM .bin/.idx');

  ex.command('gguf')
    .description("write a llama-architecture GGUF with the tokenizer; quantized blocks are bit-identical to ggml's reference quantizers")
    .argument('<checkpoint>', 'checkpoint dir (model.safetensors + config.json + tokenizer.json)')
    .option(
      '--type <type>',
      `tensor type: ${Object.entries(EXPORT_TYPES)
        .map(([k, v]) => `${k} (${v.desc})`)
        .join('; ')}`,
      'f16',
    )
    .option('--out <file>', 'output file (default: <checkpoint>/model-<type>.gguf)')
    .option('--name <name>', 'general.name (default: the checkpoint name)')
    .option('--model-version <v>', 'general.version')
    .option('--license <id>', 'general.license (SPDX id)')
    .option('--url <url>', 'general.url: link to the release bundle')
    .option('--release-sha256 <hex>', 'sha256 of the release bundle (oellm.release.sha256)')
    .option('--commitment <file>', 'data-commitment.json (from `oellm release` / `oellm build`): its root goes into oellm.data.commitment')
    .option('--json', 'print the report as JSON')
    .action(async (ckpt: string, o: { type: string; out?: string; name?: string; modelVersion?: string; license?: string; url?: string; releaseSha256?: string; commitment?: string; json?: boolean }) => {
      const type = parseExportType(o.type);
      const out = o.out ?? join(ckpt, `model-${type}.gguf`);
      // Quantization is synchronous: in a worker thread, so SIGINT/SIGTERM/SIGHUP end it at once.
      const r = await guardedExport(out, () =>
        callInWorker<ReturnType<typeof exportGguf>>(
          new URL(`../../export/gguf.${EXT}`, import.meta.url),
          'exportGguf',
          [
            ckpt,
            {
              type,
              out,
              ...(o.name ? { name: o.name } : {}),
              ...(o.modelVersion ? { version: o.modelVersion } : {}),
              ...(o.license ? { license: o.license } : {}),
              ...(o.url ? { url: o.url } : {}),
              ...(o.releaseSha256 ? { releaseSha256: o.releaseSha256 } : {}),
              ...(o.commitment ? { dataCommitment: readCommitmentRoot(o.commitment) } : {}),
            },
          ],
          'export stopped',
        ),
      );
      for (const f of r.fallbacks) process.stderr.write(`oellm: fallback: ${f}\n`);
      emit(o.json, r, () => {
        const counts = new Map<string, number>();
        for (const t of r.tensors) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
        return (
          `wrote ${r.out}: ${mb(r.bytes)} (${type}), ${fmtNum(r.nParams)} parameters, ${r.seconds.toFixed(2)} s, ${(r.f32Bytes / 1e6 / r.seconds).toFixed(1)} MB/s of F32 weights\n` +
          `tensor types: ${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')}${r.fallbacks.length ? ` (${r.fallbacks.length} fallback${r.fallbacks.length > 1 ? 's' : ''}, see above)` : ''}\n`
        );
      });
    });

  ex.command('megatron')
    .description("tokenize a dataset into Megatron-LM's indexed dataset (MMIDIDX .bin + .idx), one sequence per document with EOS")
    .argument('<dataset>', 'dataset dir (shards/<lang>/*.jsonl.zst with a "text" field)')
    .requiredOption('--tokenizer <dir>', 'tokenizer dir (tokenizer.json + tokenizer_config.json)')
    .requiredOption('--out <prefix>', 'output prefix: writes <prefix>.bin and <prefix>.idx')
    .option('--no-eos', 'do not append EOS after each document')
    .option('--json', 'print the report as JSON')
    .action(async (dataset: string, o: { tokenizer: string; out: string; eos: boolean; json?: boolean }) => {
      // Every 1000 documents is a safe point: a stop signal aborts the writer (no partial files).
      const r = await guardedExport(`${o.out}.bin`, () => exportMegatron(dataset, { tokenizer: o.tokenizer, out: o.out, appendEos: o.eos, onProgress: () => throwIfStopped('export stopped', 'nothing was written; run the same command again') }));
      emit(
        o.json,
        r,
        () =>
          table(
            ['lang', 'documents', 'tokens'],
            Object.entries(r.perLang).map(([l, s]) => [l, s.documents, s.tokens]),
          ) +
          `wrote ${r.bin} + ${r.idx}: ${fmtNum(r.documents)} documents, ${fmtNum(r.tokens)} tokens (${r.dtype}), ${r.seconds.toFixed(1)} s${r.skipped ? `, ${r.skipped} empty skipped` : ''}\n` +
          `Megatron-LM: --data-path ${o.out} --split 949,50,1\n`,
      );
    });
}
