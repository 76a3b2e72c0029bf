// The `oellm` command line: one commander program, one file per command under commands/.
// Not business logic: commands parse flags, resolve configs and call the stage modules.
// Errors: OellmError prints its message and hint and exits 1; anything else is a bug (exit 2).
import { Command } from 'commander';
import { registerAll } from './commands/index.js';
import { OellmError } from '../util/errors.js';
import { VERSION } from '../util/version.js';

export function buildProgram(): Command {
  const program = new Command('oellm')
    .description('Open web text to transparent multilingual European language models:\ncurate → tokenize → train → quantize → evaluate → document → serve.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)');
  registerAll(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof OellmError) {
      process.stderr.write(`oellm: error: ${e.format()}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`oellm: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 2;
    }
  }
}

await main();
