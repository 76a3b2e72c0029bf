// `oellm import hf <dir> --out <checkpoint>`: Hugging Face Llama-family model dir → oellm
// checkpoint (src/import/hf.ts). Flag parsing and output only.
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { lockDir, siblingLockFile } from '../../util/lock.js';
import { checkOutDir } from '../../util/outdir.js';
import { importHf, openHf, type ImportReport } from '../../import/hf.js';
import { exportGguf, parseExportType, EXPORT_TYPES } from '../../export/gguf.js';
import { OellmError } from '../../util/errors.js';
import { UnsupportedModelError } from '../../model/hf-config.js';
import { emit, fmtNum } from '../output.js';

export function register(program: Command): void {
  const im = program.command('import').description('bring models from other ecosystems into an oellm checkpoint');
  im.command('hf')
    .description('import a Hugging Face Llama-family model (config.json, single or sharded *.safetensors in f32/f16/bf16, tokenizer.json)')
    .argument('<dir>', 'Hugging Face model directory')
    .option('--out <dir>', 'checkpoint directory to write (F32 safetensors; holds the whole model in memory)')
    .option('--gguf <file>', 'write a GGUF straight from the shards instead, one tensor in memory at a time')
    .option('--type <type>', `GGUF type with --gguf: ${Object.keys(EXPORT_TYPES).join(', ')}`, 'q8_0')
    .option('--name <name>', 'model name recorded in oellm.json (default: the directory name)')
    .option('--allow-field <name...>', 'config.json fields you vouch do not change the computation (unknown fields are refused otherwise)')
    .option('--json', 'print the report as JSON (every config field: read, default, ignored)')
    .addHelpText(
      'after',
      '\nEvery config.json field is read, defaulted (named, with the transformers default used), ignored (with why it cannot change the output) or refused by name; a refused field stops the import. Reads the transformers 4 (rope_theta, rope_scaling) and 5 (rope_parameters) layouts, RoPE default/linear/llama3/yarn, head_dim, tied/untied embeddings, eos lists, SentencePiece-BPE and byte-level BPE tokenizers.',
    )
    .action((dir: string, o: ImportFlags) => {
      try {
        run(dir, o);
      } catch (e) {
        // --json: the per-field report of a refused model goes to stdout too (exit status stays 1).
        if (o.json && e instanceof UnsupportedModelError) process.stdout.write(JSON.stringify({ error: e.message, refused: e.fields.filter((f) => f.status === 'refused'), fields: e.fields }, null, 2) + '\n');
        throw e;
      }
    });
}

interface ImportFlags {
  out?: string;
  gguf?: string;
  type: string;
  name?: string;
  json?: boolean;
  allowField?: string[];
}

function run(dir: string, o: ImportFlags): void {
  const allow = o.allowField ? { allowFields: o.allowField } : {};
  if (o.gguf) {
    const t0 = performance.now();
    const type = parseExportType(o.type);
    const { ckpt, report } = openHf(dir, allow);
    const x = exportGguf(ckpt, { type, out: o.gguf, ...(o.name ? { name: o.name } : {}) });
    const r = { ...report, out: x.out, gguf: { type, bytes: x.bytes, fallbacks: x.fallbacks }, seconds: (performance.now() - t0) / 1000 };
    emit(o.json, r, () => describeImport(dir, r) + `GGUF ${type}: ${fmtNum(x.bytes)} bytes → ${x.out}\n`);
    return;
  }
  if (!o.out) throw new OellmError('pass --out <dir> (checkpoint) or --gguf <file> (GGUF)', { code: 'E_USAGE', hint: 'oellm import hf <dir> --out ckpt, or --gguf model.gguf --type q4_k_m' });
  const abs = checkOutDir(o.out);
  mkdirSync(dirname(abs), { recursive: true });
  const unlock = lockDir(abs, { file: siblingLockFile(abs), what: 'oellm import hf' });
  let r: ReturnType<typeof importHf>;
  try {
    r = importHf(dir, { out: o.out, ...(o.name ? { name: o.name } : {}), ...allow });
  } finally {
    unlock();
  }
  emit(o.json, r, () => describeImport(dir, r));
}

/** The words of an import report: what was read, defaulted and ignored. */
export function describeImport(dir: string, r: ImportReport): string {
  const c = r.config;
  const by = (st: string) => r.fields.filter((f) => f.status === st);
  return (
    `imported ${dir} → ${r.out}: ${fmtNum(r.nParams)} parameters from ${r.shards.length} file(s) (${Object.entries(r.dtypes)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ')}), ${r.seconds.toFixed(1)} s\n` +
    `architecture: ${r.architecture} (config layout: ${r.layout})\n` +
    `config: dim ${c.dim}, ${c.nLayers} layers, ${c.nHeads} heads (${c.nKvHeads} kv${c.headDim !== undefined ? `, head_dim ${c.headDim}` : ''}), ffn ${c.ffnDim}, vocab ${c.vocabSize}, ${c.tiedEmbeddings ? 'tied' : 'untied'} embeddings\n` +
    `RoPE: ${r.rope}\n` +
    `tokenizer: ${r.tokenizer ? r.tokenizerFamily : 'none (copy a tokenizer.json in before `oellm export gguf`)'}\n` +
    (r.eosTokenIds ? `eos ids: ${r.eosTokenIds.join(', ')} (the first is the GGUF eos)\n` : '') +
    `fields read: ${by('read')
      .map((f) => f.field)
      .join(', ')}\n` +
    (by('default').length
      ? `defaults used: ${by('default')
          .map((f) => `${f.field} → ${f.note}`)
          .join('; ')}\n`
      : '') +
    (by('ignored').length
      ? `ignored (no effect on the output): ${by('ignored')
          .map((f) => f.field)
          .join(', ')}\n`
      : '') +
    (r.ignored.length ? `ignored tensors: ${r.ignored.join(', ')}\n` : '')
  );
}
