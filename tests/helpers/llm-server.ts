// A small real OpenAI-compatible HTTP server for the eval tests (node:http): `/v1/models`,
// `/tokenize`, `/detokenize` and `/v1/completions` with `echo` + `logprobs` + `max_tokens: 0`,
// answered by llama.cpp on a GGUF through node-llama-cpp — the contract `oellm serve` implements
// (docs/EVAL.md). Not `oellm serve`; faults (`fail`, `hang`) let tests see retries and timeouts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlamaCppModel } from '../../src/runtime/llamacpp.js';

export interface TestServer {
  url: string;
  requests: { path: string }[];
  close(): Promise<void>;
}

export async function startLlmServer(gguf: string | null, o: { fail?: number; hang?: boolean; name?: string } = {}): Promise<TestServer> {
  const m = gguf ? await LlamaCppModel.load(gguf, { threads: 1 }) : null;
  const name = o.name ?? 'test-model';
  const requests: { path: string }[] = [];
  const json = (res: import('node:http').ServerResponse, code: number, v: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '' });
      if (o.hang) return; // never answers: the client's timeout fires
      if (o.fail) return json(res, o.fail, { error: { message: 'injected failure', type: 'server_error' } });
      void (async () => {
        try {
          const b = body ? (JSON.parse(body) as Record<string, unknown>) : {};
          if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: name, object: 'model', max_model_len: m!.model.trainContextSize }] });
          if (req.url === '/tokenize') {
            const ids = m!.tokenize(String(b.prompt ?? ''));
            if (b.add_special && m!.bos !== null) ids.unshift(m!.bos);
            return json(res, 200, { tokens: ids });
          }
          if (req.url === '/detokenize') return json(res, 200, { prompt: m!.detokenize(b.tokens as number[]) });
          if (req.url === '/v1/completions') {
            const p = b.prompt as unknown;
            const prompts: number[][] = Array.isArray(p) && Array.isArray(p[0]) ? (p as number[][]) : Array.isArray(p) && typeof p[0] === 'number' ? [p as number[]] : (Array.isArray(p) ? (p as string[]) : [String(p)]).map((s) => m!.tokenize(s));
            const choices = [];
            let used = 0;
            for (let i = 0; i < prompts.length; i++) {
              const t = prompts[i]!;
              used += t.length;
              const L = await m!.logits(t);
              const token_logprobs: (number | null)[] = [null];
              const top_logprobs: (Record<string, number> | null)[] = [null];
              for (let k = 1; k < t.length; k++) {
                const row = L[k - 1]!;
                let mx = -Infinity;
                let arg = 0;
                for (let v = 0; v < row.length; v++) {
                  if (row[v]! > mx) {
                    mx = row[v]!;
                    arg = v;
                  }
                }
                let s = 0;
                for (let v = 0; v < row.length; v++) s += Math.exp(row[v]! - mx);
                const lse = mx + Math.log(s);
                token_logprobs.push(row[t[k]!]! - lse);
                top_logprobs.push({ [m!.detokenize([arg])]: row[arg]! - lse });
              }
              const tokens = t.map((x) => m!.detokenize([x]));
              const text_offset: number[] = [];
              let off = 0;
              for (const s of tokens) {
                text_offset.push(off);
                off += s.length;
              }
              choices.push({ index: i, text: tokens.join(''), logprobs: { tokens, token_logprobs, top_logprobs, text_offset }, finish_reason: 'length' });
            }
            return json(res, 200, { id: 'cmpl-test', object: 'text_completion', model: name, choices, usage: { prompt_tokens: used, completion_tokens: 0, total_tokens: used } });
          }
          json(res, 404, { error: { message: `no route ${req.url}` } });
        } catch (e) {
          json(res, 500, { error: { message: (e as Error).message } });
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await m?.dispose();
    },
  };
}
