// `oellm serve <run-dir | model.gguf ...>`: the OpenAI-compatible API and the dashboard over
// llama.cpp (src/serve). Parses flags into limits, checks every GGUF before binding, prints where
// it listens and exits 1 naming the file when a model cannot load. Not the server itself.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OellmError } from '../../util/errors.js';
import { DEFAULT_LIMITS, defaultThreads } from '../../serve/limits.js';

const int = (name: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new OellmError(`--${name} expects an integer ≥ ${min}, got "${v}"`, { code: 'E_CONFIG' });
  return n;
};

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'serve models over an OpenAI-compatible API (/v1/models, /v1/completions with echo+logprobs scoring, /v1/chat/completions, streaming), ' +
        '/tokenize, /detokenize, /health, /metrics, and a dashboard of the run at /.\n' +
        'A run dir serves every models/<variant>/<variant>-<quant>.gguf as model id <variant>-<quant>.',
    )
    .argument('<targets...>', 'a run dir (`oellm build` output) or one or more .gguf files')
    .option('--host <host>', 'address to bind (use 0.0.0.0 to listen beyond this machine)', '127.0.0.1')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--api-key-file <file>', 'require `Authorization: Bearer <key>` with the key in this file (first line)')
    .option('--parallel <n>', 'sequences per model generated together in one batch', String(DEFAULT_LIMITS.parallel))
    .option('--ctx <n>', "context tokens per sequence (default: the model's training context)")
    .option('--threads <n>', `CPU threads for llama.cpp (default ${defaultThreads()}: half the cores, at most 4; spinning threads collapse when oversubscribed)`)
    .option('--queue <n>', 'requests that may wait per model before 429', String(DEFAULT_LIMITS.queue))
    .option('--timeout <s>', 'seconds a request may take, queueing included', String(DEFAULT_LIMITS.timeoutS))
    .option('--max-body <bytes>', 'largest request body', String(DEFAULT_LIMITS.bodyBytes))
    .action(async (targets: string[], o: { host: string; port: string; apiKeyFile?: string; parallel: string; ctx?: string; threads?: string; queue: string; timeout: string; maxBody: string }) => {
      const { discoverModels } = await import('../../serve/models.js');
      const { startServer } = await import('../../serve/server.js');
      let apiKey: string | null = null;
      if (o.apiKeyFile) {
        try {
          apiKey = readFileSync(o.apiKeyFile, 'utf8').split('\n')[0]!.trim();
        } catch (e) {
          throw new OellmError(`cannot read the API key file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: o.apiKeyFile, code: 'E_IO' });
        }
        if (!apiKey) throw new OellmError('the API key file is empty', { file: o.apiKeyFile, code: 'E_CONFIG', hint: 'put the key on its first line' });
      }
      const set = discoverModels(targets);
      const limits = {
        parallel: int('parallel', o.parallel, 1)!,
        ctx: int('ctx', o.ctx, 8) ?? 0,
        threads: int('threads', o.threads, 1) ?? defaultThreads(),
        queue: int('queue', o.queue, 0)!,
        timeoutS: int('timeout', o.timeout, 1)!,
        bodyBytes: int('max-body', o.maxBody, 1024)!,
      };
      const s = await startServer(set, { host: o.host, port: int('port', o.port, 0)!, apiKey, limits, onLoaded: (id) => process.stderr.write(`  loaded ${id}\n`) });
      process.stderr.write(
        `oellm serve: ${s.url}  (dashboard ${s.url}/, API ${s.url}/v1; ${set.models.length} model${set.models.length === 1 ? '' : 's'}, ${limits.parallel} parallel, ${limits.threads} thread${limits.threads === 1 ? '' : 's'}${apiKey ? ', API key required' : ''})\n`,
      );
      const stop = () => {
        process.stderr.write('oellm serve: shutting down\n');
        void s.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await s.ready;
      } catch (e) {
        await s.close();
        throw e;
      }
      process.stderr.write('ready\n');
      await new Promise(() => {});
    });
}
