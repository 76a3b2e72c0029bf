// `oellm import hf <dir> --out <checkpoint>`: Hugging Face Llama-family model dir → oellm
// checkpoint (src/import/hf.ts). Flag parsing and output only.
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { importHf } from '../../import/hf.js';
import { lockDir, siblingLockFile } from '../../util/lock.js';
import { checkOutDir } from '../../util/outdir.js';
import { emit, fmtNum } from '../output.js';

export function register(program: Command): void {
  const im = program.command('import').description('bring models from other ecosystems into an oellm checkpoint');
  im.command('hf')
    .description('import a Hugging Face Llama-family model (config.json, single or sharded *.safetensors in f32/f16/bf16, tokenizer.json)')
    .argument('<dir>', 'Hugging Face model directory')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .option('--name <name>', 'model name recorded in oellm.json (default: the directory name)')
    .option('--json', 'print the report as JSON')
    .action((dir: string, o: { out: string; name?: string; json?: boolean }) => {
      const abs = checkOutDir(o.out);
      mkdirSync(dirname(abs), { recursive: true });
      const unlock = lockDir(abs, { file: siblingLockFile(abs), what: 'oellm import hf' });
      let r: ReturnType<typeof importHf>;
      try {
        r = importHf(dir, { out: o.out, ...(o.name ? { name: o.name } : {}) });
      } finally {
        unlock();
      }
      emit(o.json, r, () =>
        `imported ${dir} → ${r.out}: ${fmtNum(r.nParams)} parameters from ${r.shards.length} file(s) (${Object.entries(r.dtypes).map(([k, v]) => `${v}× ${k}`).join(', ')}), ${r.seconds.toFixed(1)} s\n` +
        `config: dim ${r.config.dim}, ${r.config.nLayers} layers, ${r.config.nHeads} heads (${r.config.nKvHeads} kv), ffn ${r.config.ffnDim}, vocab ${r.config.vocabSize}${r.config.tiedEmbeddings ? ', tied embeddings' : ''}\n` +
        (r.tokenizer ? '' : 'warning: no tokenizer.json in the source; copy one in before `oellm export gguf`\n') +
        (r.ignored.length ? `ignored tensors: ${r.ignored.join(', ')}\n` : ''),
      );
    });
}
