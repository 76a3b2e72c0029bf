// `oellm lid [FILE|-]`: identifies the language of every input line, one JSON line out per
// line in: {"lang":"hr","script":"Latn","score":0.97}. Streams (constant memory).
// Not the pipeline step (src/data/lid/step.ts LidStep) — same identifier underneath.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command, OptionValues } from 'commander';
import { createLid } from '../../lid/index.js';
import { OellmError } from '../../util/errors.js';
import { numberArg } from '../flags.js';

const num = (name: string, min: number, max: number, int = false) => numberArg(name, { min, max, int });

export function register(program: Command): void {
  program
    .command('lid')
    .description('identify the language and script of each line: one JSON line {"lang","script","score"} per input line (`und` when unsure)')
    .argument('[file]', 'text file, one text per line (`-` or none: stdin)')
    .option('--model <path>', 'fastText .bin/.ftz model (OpenLID, GlotLID, lid.176) instead of the built-in oellm model')
    .option('--threshold <p>', 'below this probability the answer is `und`', num('threshold', 0, 1), 0.5)
    .option('--top <k>', 'also list the k best candidates (field `top`)', num('top', 1, 1000, true))
    .option('--no-ensemble', 'the built-in oellm model alone, without CLD2 and fastText lid.176 (docs/LID.md "Ensemble")')
    .option('--unknown-labels <mode>', 'fastText labels outside the registry: `und` or `pass` (keep the label)', 'und')
    .option('--json', 'JSON lines (the default and only output format)')
    .action(async (file: string | undefined, opts: OptionValues) => {
      if (opts.unknownLabels !== 'und' && opts.unknownLabels !== 'pass') throw new OellmError(`--unknown-labels must be und or pass, got "${opts.unknownLabels}"`, { code: 'E_USAGE' });
      const lid = await createLid({ model: opts.model as string | undefined, threshold: opts.threshold as number, unknownLabels: opts.unknownLabels as 'und' | 'pass', ensemble: opts.ensemble !== false });
      const input = !file || file === '-' ? process.stdin : createReadStream(file);
      const opened = new Promise<void>((res, rej) => {
        if (input === process.stdin) return res();
        input.once('open', () => res());
        input.once('error', (e: Error) => rej(new OellmError(`cannot read ${file}: ${e.message}`, { file, code: 'E_INPUT' })));
      });
      await opened;
      const rl = createInterface({ input, crlfDelay: Infinity });
      const k = opts.top as number | undefined;
      let buf = '';
      for await (const line of rl) {
        const r = lid.identify(line);
        buf += JSON.stringify(k ? { ...r, top: lid.identifyTop(line, k).map((t) => ({ lang: t.lang, score: t.score })) } : r) + '\n';
        if (buf.length > 1 << 16) {
          if (!process.stdout.write(buf)) await new Promise((res) => process.stdout.once('drain', res));
          buf = '';
        }
      }
      process.stdout.write(buf);
    });
}
