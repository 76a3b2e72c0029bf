// `oellm tokenizer train | encode | decode | report`: the CLI over src/tokenizer/ (language-
// balanced byte-level BPE training, encode/decode of any byte-level BPE tokenizer.json, and
// fertility / parity on the UDHR). Not the logic itself: see src/tokenizer/index.ts.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { OellmError } from '../../util/errors.js';
import { loadTokenizer, reportTokenizer, trainTokenizer, type TokenizerReport } from '../../tokenizer/index.js';
import { emit, fmtNum, table } from '../output.js';
import { parseNumber, parseWeights } from '../flags.js';

function readInput(file: string | undefined): string {
  try {
    return readFileSync(file && file !== '-' ? file : 0, 'utf8');
  } catch (e) {
    throw new OellmError(`cannot read ${file ?? 'stdin'}: ${(e as Error).message}`, { file: file ?? '-', code: 'E_INPUT' });
  }
}

function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

const num = (name: string, v: string, min?: number): number => parseNumber(name, v, min === undefined ? {} : { min });

/** A tiktoken encoding as a report peer (tiktoken is a dev dependency: loaded only on request). */
async function tiktokenEncoder(name: string): Promise<{ vocabSize: number; encode: (s: string) => number[] }> {
  let mod: { get_encoding: (n: string) => { encode: (s: string) => Uint32Array; token_byte_values: () => unknown[] } };
  try {
    mod = (await import('tiktoken' as string)) as typeof mod;
  } catch {
    throw new OellmError('tiktoken is not installed', { code: 'E_INPUT', hint: 'npm install tiktoken (a dev dependency of oellm)' });
  }
  let enc;
  try {
    enc = mod.get_encoding(name);
  } catch (e) {
    throw new OellmError(`unknown tiktoken encoding "${name}": ${(e as Error).message}`, { code: 'E_INPUT', hint: 'e.g. tiktoken:cl100k_base, tiktoken:o200k_base' });
  }
  return { vocabSize: enc.token_byte_values().length, encode: (s) => Array.from(enc.encode(s)) };
}

export function register(program: Command): void {
  const tk = program.command('tokenizer').description('train, apply and measure byte-level BPE tokenizers (HF tokenizer.json)');

  tk.command('train')
    .description('train a language-balanced byte-level BPE (Llama-3 pre-tokenizer) into a directory')
    .requiredOption('--data <paths...>', 'dataset dir (shards/<lang>/*.jsonl.zst), text folder, or .txt/.jsonl(.zst) files; text: one document per line, language from the file or folder name')
    .requiredOption('--vocab-size <n>', 'total vocabulary (256 bytes + merges + special tokens)')
    .requiredOption('--out <dir>', 'output directory (tokenizer.json, tokenizer_config.json, tokenizer.gguf.json, train_stats.json)')
    .option('--temperature <t>', 'language temperature: 1 = proportional to data, higher = flatter (p ∝ bytes^(1/T))', '5')
    .option('--lang-weight <lang=w...>', "multiply a language's sampling probability, e.g. --lang-weight en=0.5 mt=2")
    .option('--sample <fraction>', 'keep this fraction of documents (chosen by hash of seed and position)', '1')
    .option('--seed <n>', 'seed of the document sample', '0')
    .option('--reserved-tokens <n>', 'reserved special tokens beyond bos/eos/pad/unk and chat roles', '4')
    .option('--max-unique-words <n>', 'memory bound: unique words kept over all languages', '4000000')
    .option('--json', 'print the result as JSON')
    .action(async (o: { data: string[]; vocabSize: string; out: string; temperature: string; langWeight?: string[]; sample: string; seed: string; reservedTokens: string; maxUniqueWords: string; json?: boolean }) => {
      const langWeights = parseWeights('lang-weight', o.langWeight ?? []);
      const tty = !!process.stderr.isTTY && !o.json;
      const bar = tty ? new cliProgress.SingleBar({ format: ' {phase} |{bar}| {percentage}% {value}/{total}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      let phase = '';
      const r = await trainTokenizer({
        inputs: o.data,
        vocabSize: num('vocab-size', o.vocabSize, 1),
        out: o.out,
        temperature: num('temperature', o.temperature),
        langWeights,
        sample: num('sample', o.sample, 0),
        seed: num('seed', o.seed),
        reservedTokens: num('reserved-tokens', o.reservedTokens, 0),
        maxUniqueWords: num('max-unique-words', o.maxUniqueWords, 1000),
        onProgress: (p, d, t) => {
          if (!bar) return;
          if (p !== phase) {
            if (phase) bar.stop();
            phase = p;
            bar.start(t, 0, { phase: p === 'read' ? 'read bytes' : 'merges    ' });
          }
          bar.update(d);
        },
      });
      bar?.stop();
      emit(o.json, r, () => {
        const rows = Object.entries(r.stats.langs).map(([l, s]) => [l, s.docs, s.bytes, s.uniqueWords, Math.round(s.share * 10000) / 100, Math.round(s.factor * 100) / 100]);
        return (
          table(['lang', 'docs', 'bytes', 'unique words', 'share %', 'factor'], rows) +
          `vocabulary ${fmtNum(r.vocabSize)} (${fmtNum(r.merges)} merges${r.short ? ', corpus ran out of pairs before the requested size' : ''}) in ${r.dir}\n` +
          `read ${fmtNum(r.stats.bytes)} bytes / ${fmtNum(r.stats.docs)} docs in ${r.seconds.read.toFixed(1)} s, merges in ${r.seconds.merge.toFixed(1)} s` +
          (r.stats.invalidUtf8 ? `; ${r.stats.invalidUtf8} invalid UTF-8 sequences replaced` : '') +
          (r.stats.malformedRecords ? `; ${r.stats.malformedRecords} malformed JSONL records skipped` : '') +
          '\n'
        );
      });
    });

  tk.command('encode')
    .description('encode text (a file or stdin) to token ids')
    .requiredOption('--tokenizer <path>', 'tokenizer directory or tokenizer.json')
    .option('--json', 'one JSON array of ids per input line')
    .option('--bos', 'add the post-processor special tokens (bos)')
    .argument('[file]', 'input file, or - for stdin', '-')
    .action((file: string, o: { tokenizer: string; json?: boolean; bos?: boolean }) => {
      const tok = loadTokenizer(o.tokenizer);
      const text = readInput(file);
      if (o.json) {
        const out = lines(text).map((l) => JSON.stringify(tok.encode(l, { addSpecialTokens: !!o.bos })));
        process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
      } else process.stdout.write(tok.encode(text, { addSpecialTokens: !!o.bos }).join(' ') + '\n');
    });

  tk.command('decode')
    .description('decode token ids (space-separated, or JSON arrays one per line) to text')
    .requiredOption('--tokenizer <path>', 'tokenizer directory or tokenizer.json')
    .option('--skip-special', 'drop special tokens (bos, eos, …)')
    .argument('[file]', 'input file, or - for stdin', '-')
    .action((file: string, o: { tokenizer: string; skipSpecial?: boolean }) => {
      const tok = loadTokenizer(o.tokenizer);
      const out: string[] = [];
      for (const [i, l] of lines(readInput(file)).entries()) {
        const t = l.trim();
        if (!t) {
          out.push('');
          continue;
        }
        let ids: unknown;
        try {
          ids = t.startsWith('[') ? JSON.parse(t) : t.split(/[\s,]+/).map(Number);
        } catch {
          ids = null;
        }
        if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x) && x >= 0)) {
          throw new OellmError(`line ${i + 1}: expected token ids (space-separated integers or a JSON array)`, { file, offset: i + 1, code: 'E_INPUT' });
        }
        out.push(tok.decode(ids as number[], { skipSpecialTokens: !!o.skipSpecial }));
      }
      process.stdout.write(out.join('\n') + '\n');
    });

  tk.command('report')
    .description('fertility (tokens/word, tokens/byte) and parity vs English on the UDHR, several tokenizers side by side')
    .requiredOption('--tokenizer <paths...>', "tokenizer directories or tokenizer.json files; `tiktoken:cl100k_base` (or another tiktoken encoding) for OpenAI's, when the tiktoken package is installed")
    .option('--json', 'machine-readable output (per tokenizer: langs, parity {lang: ratio}, summary)')
    .action(async (o: { tokenizer: string[]; json?: boolean }) => {
      const reports: TokenizerReport[] = [];
      for (const p of o.tokenizer) reports.push(reportTokenizer(p, p.startsWith('tiktoken:') ? await tiktokenEncoder(p.slice(9)) : loadTokenizer(p)));
      emit(o.json, reports, () => {
        const langs = Object.keys(reports[0]!.langs);
        const header = ['lang', ...reports.flatMap((_, i) => [`#${i + 1} tok/word`, `#${i + 1} tok/byte`, `#${i + 1} parity`])];
        const rows = langs.map((l) => [l, ...reports.flatMap((r) => [r.langs[l]!.tokensPerWord, r.langs[l]!.tokensPerByte, r.langs[l]!.parity])]);
        const legend = reports
          .map(
            (r, i) =>
              `#${i + 1} ${r.tokenizer} (vocab ${fmtNum(r.vocabSize)}): parity best ${r.summary.best} ${r.summary.bestParity.toFixed(3)}, worst ${r.summary.worst} ${r.summary.worstParity.toFixed(3)}, spread ${r.summary.spread.toFixed(3)}, ${r.summary.withinFactor15}/${r.summary.languages} within 1.5× English`,
          )
          .join('\n');
        return table(header, rows) + legend + '\n';
      });
    });
}
