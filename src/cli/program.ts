// The `oellm` commander program with every command registered (commands/index.ts), without
// running it: main.ts runs it, scripts/readme.ts walks it to write the README's command list.
import { Command } from 'commander';
import { registerAll } from './commands/index.js';
import { VERSION } from '../util/version.js';

export function buildProgram(): Command {
  const program = new Command('oellm')
    .description('Open web text to transparent multilingual European language models:\ncurate → tokenize → train → quantize → evaluate → document → serve.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)');
  registerAll(program);
  return program;
}
