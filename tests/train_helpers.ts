// Shared setup for the trainer tests: a small real multilingual dataset dir (Universal
// Dependencies sentences from ../shared/data/ud, read at run time, grouped into documents) and a
// byte-level BPE tokenizer trained on it with src/tokenizer, both in a tmp dir.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstd } from '../src/util/compress.js';
import { trainTokenizer } from '../src/tokenizer/index.js';
import { TrainConfigSchema, type TrainConfig } from '../src/train/config.js';

export const repoRoot = new URL('..', import.meta.url).pathname;
const UD = join(repoRoot, '..', 'shared', 'data', 'ud');

export interface Fixture {
  root: string;
  data: string;
  tokenizer: string;
}

/** Dataset with `langs` (ISO 639-1 file names in ../shared/data/ud), `docs` documents of 5 sentences each. */
export async function makeFixture(langs = ['en', 'de', 'fr'], docs = 40): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), 'oellm-train-'));
  const data = join(root, 'data');
  const labels: Record<string, string> = { en: 'eng_Latn', de: 'deu_Latn', fr: 'fra_Latn', mt: 'mlt_Latn', fi: 'fin_Latn' };
  for (const l of langs) {
    if (!existsSync(join(UD, `${l}.txt`))) throw new Error(`test data missing: ${join(UD, `${l}.txt`)} (CI keeps ../shared beside the clone)`);
    const lines = readFileSync(join(UD, `${l}.txt`), 'utf8')
      .split('\n')
      .filter((s) => s.trim());
    const out: string[] = [];
    for (let d = 0; d < docs; d++) out.push(JSON.stringify({ id: `${l}-${d}`, text: lines.slice(d * 5, d * 5 + 5).join(' '), lang: l }));
    const dir = join(data, 'shards', labels[l] ?? l);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '00000.jsonl.zst'), zstd(Buffer.from(out.join('\n') + '\n')));
  }
  const tokenizer = join(root, 'tok');
  await trainTokenizer({ inputs: [data], vocabSize: 400, out: tokenizer });
  return { root, data, tokenizer };
}

/** A tiny, fast training config over the fixture. */
export function tinyConfig(f: Fixture, out: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return TrainConfigSchema.parse({
    data: f.data,
    tokenizer: f.tokenizer,
    out,
    preset: 'micro',
    dim: 32,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    ffn: 64,
    seqLen: 32,
    batchSize: 4,
    maxSteps: 12,
    warmup: 2,
    lr: 3e-3,
    valEvery: 6,
    checkpointEvery: 4,
    valRows: 4,
    ...over,
  });
}

/** `oellm train` flags for the tiny test model on a fixture (the CLI twin of tinyConfig's shape); callers add step and checkpoint flags. */
export function tinyTrainFlags(f: Fixture, out: string, maxSteps: number): string[] {
  return [
    'train',
    '--data',
    f.data,
    '--tokenizer',
    f.tokenizer,
    '--out',
    out,
    '--preset',
    'micro',
    '--dim',
    '32',
    '--layers',
    '2',
    '--heads',
    '4',
    '--kv-heads',
    '2',
    '--ffn',
    '64',
    '--seq-len',
    '32',
    '--batch-size',
    '4',
    '--max-steps',
    String(maxSteps),
    '--warmup',
    '2',
  ];
}
