// `oellm generate --model <checkpoint-dir|file.gguf> --prompt TEXT`: a .gguf runs in llama.cpp
// (src/runtime/llamacpp.ts, the fast path); a checkpoint dir runs the trainer's own forward
// (src/train/generate.ts, no KV cache). Streams text to stdout; --json prints one result object.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { OellmError } from '../../util/errors.js';
import { emit } from '../output.js';
import { optNumber } from '../flags.js';

const num = (name: string, v: string | undefined, min: number): number | undefined => optNumber(name, v, { min });

export function register(program: Command): void {
  program
    .command('generate')
    .description("complete a prompt with a model: a .gguf file through llama.cpp, or a checkpoint dir through the trainer's forward pass")
    .requiredOption('--model <path>', 'file.gguf or checkpoint dir')
    .requiredOption('--prompt <text>', 'text to complete')
    .option('--max-tokens <n>', 'tokens to generate', '64')
    .option('--temperature <t>', '0 = greedy', '0')
    .option('--top-k <k>', 'top-k sampling (gguf only)')
    .option('--top-p <p>', 'nucleus sampling')
    .option('--seed <n>', 'sampling seed')
    .option('--threads <n>', 'CPU threads for llama.cpp')
    .option('--gpu', 'let llama.cpp use a GPU backend when one is available')
    .option('--json', 'print {text, tokens, timings} as JSON instead of streaming')
    .action(async (o: { model: string; prompt: string; maxTokens: string; temperature: string; topK?: string; topP?: string; seed?: string; threads?: string; gpu?: boolean; json?: boolean }) => {
      let isDir: boolean;
      try {
        isDir = statSync(o.model).isDirectory();
      } catch {
        throw new OellmError(`model not found: ${o.model}`, { file: o.model, code: 'E_IO', hint: 'pass a .gguf file or a checkpoint directory' });
      }
      const maxTokens = num('max-tokens', o.maxTokens, 1)!;
      const temperature = num('temperature', o.temperature, 0)!;
      const topP = num('top-p', o.topP, 0);
      const seed = num('seed', o.seed, 0);
      if (isDir) {
        // Loaded on use: node-llama-cpp and the trainer are heavy, and every CLI command imports this file.
        const { generateText } = await import('../../train/generate.js');
        const t0 = performance.now();
        let text = '';
        for await (const piece of generateText(o.model, { prompt: o.prompt, maxTokens, temperature, ...(topP !== undefined ? { topP } : {}), ...(seed !== undefined ? { seed } : {}) })) {
          text += piece;
          if (!o.json) process.stdout.write(piece);
        }
        const seconds = (performance.now() - t0) / 1000;
        emit(o.json, { model: o.model, runtime: 'oellm', prompt: o.prompt, text, seconds }, () => '\n');
        return;
      }
      const threads = num('threads', o.threads, 1);
      const { LlamaCppModel } = await import('../../runtime/llamacpp.js');
      const m = await LlamaCppModel.load(o.model, { ...(o.gpu ? { gpu: true } : {}), ...(threads ? { threads } : {}) });
      try {
        const topK = num('top-k', o.topK, 1);
        const r = await m.generate(o.prompt, {
          maxTokens,
          temperature,
          ...(topK !== undefined ? { topK } : {}),
          ...(topP !== undefined ? { topP } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(o.json ? {} : { onToken: (t: string) => process.stdout.write(t) }),
        });
        emit(o.json, { model: o.model, runtime: 'llama.cpp', prompt: o.prompt, ...r }, () => `\n[${r.tokens.length} tokens, ${r.tokensPerSecond.toFixed(1)} tokens/s, prompt ${r.promptTokens} tokens in ${r.promptSeconds.toFixed(2)} s]\n`);
      } finally {
        await m.dispose();
      }
    });
}
