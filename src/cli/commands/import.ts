// `oellm import hf <dir> --out <checkpoint>`: Hugging Face Llama-family model dir → oellm
// checkpoint (src/import/hf.ts). Flag parsing and output only.
import type { Command } from 'commander';
import { importHf, type ImportReport } from '../../import/hf.js';
import { emit, fmtNum } from '../output.js';

export function register(program: Command): void {
  const im = program.command('import').description('bring models from other ecosystems into an oellm checkpoint');
  im.command('hf')
    .description('import a Hugging Face Llama-family model (config.json, single or sharded *.safetensors in f32/f16/bf16, tokenizer.json)')
    .argument('<dir>', 'Hugging Face model directory')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .option('--name <name>', 'model name recorded in oellm.json (default: the directory name)')
    .option('--allow-field <name...>', 'config.json fields you vouch do not change the computation (unknown fields are refused otherwise)')
    .option('--json', 'print the report as JSON (every config field: read, default, ignored)')
    .addHelpText('after', '\nEvery config.json field is read, defaulted (named, with the transformers default used), ignored (with why it cannot change the output) or refused by name; a refused field stops the import. Reads the transformers 4 (rope_theta, rope_scaling) and 5 (rope_parameters) layouts, RoPE default/linear/llama3/yarn, head_dim, tied/untied embeddings, eos lists, SentencePiece-BPE and byte-level BPE tokenizers.')
    .action((dir: string, o: { out: string; name?: string; json?: boolean; allowField?: string[] }) => {
      const r = importHf(dir, { out: o.out, ...(o.name ? { name: o.name } : {}), ...(o.allowField ? { allowFields: o.allowField } : {}) });
      emit(o.json, r, () => describeImport(dir, r));
    });
}

/** The words of an import report: what was read, defaulted and ignored. */
export function describeImport(dir: string, r: ImportReport): string {
  const c = r.config;
  const by = (st: string) => r.fields.filter((f) => f.status === st);
  return (
    `imported ${dir} → ${r.out}: ${fmtNum(r.nParams)} parameters from ${r.shards.length} file(s) (${Object.entries(r.dtypes).map(([k, v]) => `${v}× ${k}`).join(', ')}), ${r.seconds.toFixed(1)} s\n` +
    `architecture: ${r.architecture} (config layout: ${r.layout})\n` +
    `config: dim ${c.dim}, ${c.nLayers} layers, ${c.nHeads} heads (${c.nKvHeads} kv${c.headDim !== undefined ? `, head_dim ${c.headDim}` : ''}), ffn ${c.ffnDim}, vocab ${c.vocabSize}, ${c.tiedEmbeddings ? 'tied' : 'untied'} embeddings\n` +
    `RoPE: ${r.rope}\n` +
    `tokenizer: ${r.tokenizer ? r.tokenizerFamily : 'none (copy a tokenizer.json in before `oellm export gguf`)'}\n` +
    (r.eosTokenIds ? `eos ids: ${r.eosTokenIds.join(', ')} (the first is the GGUF eos)\n` : '') +
    `fields read: ${by('read').map((f) => f.field).join(', ')}\n` +
    (by('default').length ? `defaults used: ${by('default').map((f) => `${f.field} → ${f.note}`).join('; ')}\n` : '') +
    (by('ignored').length ? `ignored (no effect on the output): ${by('ignored').map((f) => f.field).join(', ')}\n` : '') +
    (r.ignored.length ? `ignored tensors: ${r.ignored.join(', ')}\n` : '')
  );
}
