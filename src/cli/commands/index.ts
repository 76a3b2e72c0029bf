// The list of CLI commands. Each module exports `register(program)`; add one line per command.
import type { Command } from 'commander';
import { register as langs } from './langs.js';
import { register as build } from './build.js';
import { register as train } from './train.js';
import { register as lid } from './lid.js';
import { register as tokenizer } from './tokenizer.js';
import { register as data } from './data.js';
import { register as vault } from './vault.js';
import { register as exportCmd } from './export.js';
import { register as inspect } from './inspect.js';
import { register as importCmd } from './import.js';
import { register as generate } from './generate.js';
import { register as evalCmd } from './eval.js';
import { register as release } from './release.js';
import { register as audit } from './audit.js';
import { register as serve } from './serve.js';

export function registerAll(program: Command): void {
  langs(program);
  build(program);
  train(program);
  lid(program);
  tokenizer(program);
  data(program);
  vault(program);
  exportCmd(program);
  inspect(program);
  importCmd(program);
  generate(program);
  evalCmd(program);
  release(program);
  audit(program);
  serve(program);
}
