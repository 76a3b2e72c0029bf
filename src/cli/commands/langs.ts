// `oellm langs`: lists the language registry (src/lang/registry.ts), as a table or JSON.
import type { Command } from 'commander';
import { LANGUAGES, label } from '../../lang/index.js';
import { emit, table } from '../output.js';

export function register(program: Command): void {
  program
    .command('langs')
    .description('list the languages oellm knows: codes (ISO 639-1, ISO 639-3 + script), names, scripts, group')
    .option('--json', 'machine-readable output')
    .option('--group <group>', 'only one group: eu | candidate | other')
    .action((opts: { json?: boolean; group?: string }) => {
      const langs = LANGUAGES.filter((l) => !opts.group || l.group === opts.group);
      emit(
        opts.json,
        langs.map((l) => ({ ...l, labels: l.scripts.map((s) => label(l, s)) })),
        () =>
          table(
            ['code', 'labels', 'name', 'native', 'scripts', 'group'],
            langs.map((l) => [l.code, l.scripts.map((s) => label(l, s)).join(' '), l.name, l.native, l.scripts.join('+'), l.group]),
          ) + `${langs.length} languages\n`,
      );
    });
}
