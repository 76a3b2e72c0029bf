// The `oellm` command line entry: parses argv with the program of program.ts (one file per
// command under commands/). Not business logic: commands parse flags and call stage modules.
// Errors: OellmError prints its message and hint and exits 1; anything else is a bug (exit 2).
// A command stopped by a signal (util/interrupt.ts) exits 128 + the signal number, as a shell does.
import { buildProgram } from './program.js';
import { OellmError } from '../util/errors.js';
import { Interrupted } from '../util/interrupt.js';

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof Interrupted) {
      process.stderr.write(`oellm: ${e.format()}\n`);
      process.exitCode = e.exitCode;
    } else if (e instanceof OellmError) {
      process.stderr.write(`oellm: error: ${e.format()}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`oellm: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 2;
    }
  }
}

await main();
