// A reduced build whose corpus exercises every part of a release: the embedded UDHR (en, hr,
// sr) plus a JSONL of English documents from three hosts — one whose tdmrep.json reserves
// /articles/ (restricted → vault), one whose pages hold PII (e-mail, IBAN, IP address), one
// plain. Returns the run dir, the vault key file and the restricted texts / PII values planted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuild } from '../../src/factory/build.js';
import { generateKey } from '../../src/data/vault/index.js';

const words = (seed: number, n: number): string => {
  const pool = [
    'the',
    'archive',
    'of',
    'river',
    'towns',
    'and',
    'their',
    'harbour',
    'records',
    'was',
    'kept',
    'by',
    'a',
    'council',
    'which',
    'met',
    'in',
    'spring',
    'to',
    'read',
    'letters',
    'from',
    'ships',
    'about',
    'grain',
    'salt',
    'weather',
    'with',
    'care',
  ];
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(pool[s % pool.length]!);
  }
  return out.join(' ');
};

export interface ReleaseFixture {
  runDir: string;
  vaultKeyFile: string;
  /** Texts of the documents the tdmrep.json reserves (must never appear in public artefacts). */
  restricted: string[];
  /** The planted PII values. */
  pii: string[];
}

export async function buildReleaseRun(tmp: string): Promise<ReleaseFixture> {
  const restricted = [0, 1, 2, 3].map((i) => `Confidential dispatch number ${i} by Marguerite Vandeleur-${i}: ${words(100 + i, 40)}. The reserved press article ends here with its own closing words ${i}.`);
  const pii = ['ana.kovac@forum.example', 'DE89370400440532013000', 'GB82WEST12345698765432'];
  const publicPii = [
    `Contact the forum moderator at ${pii[0]} for help with the archive. ${words(7, 40)}.`,
    `Payments for the harbour records go to the account ${pii[1]} every spring. ${words(8, 40)}.`,
    `The second account for salt and grain letters is ${pii[2]} as the council decided. ${words(9, 40)}.`,
  ];
  const plain = [0, 1, 2].map((i) => `Plain page ${i} about the river towns: ${words(300 + i, 50)}.`);
  const lines = [
    ...restricted.map((text, i) => ({ id: `press-${i}`, text, lang: 'en', url: `https://press.example/articles/${i}`, ts: `2026-0${i + 1}-15T10:00:00Z` })),
    ...publicPii.map((text, i) => ({ id: `forum-${i}`, text, lang: 'en', url: `https://forum.example/t/${i}`, ts: '2026-05-01T08:00:00Z' })),
    ...plain.map((text, i) => ({ id: `plain-${i}`, text, lang: 'en', url: `https://plain.example/p/${i}`, ts: '2026-06-30T12:00:00Z' })),
  ];
  const inp = join(tmp, 'extra.jsonl');
  writeFileSync(inp, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  mkdirSync(join(tmp, 'tdmrep'), { recursive: true });
  writeFileSync(join(tmp, 'tdmrep', 'press.example.tdmrep.json'), JSON.stringify([{ location: '/articles/*', 'tdm-reservation': 1, 'tdm-policy': 'https://press.example/policy' }]));
  const vaultKeyFile = join(tmp, 'vault.key');
  generateKey(vaultKeyFile);
  const cfg = join(tmp, 'build.yaml');
  writeFileSync(
    cfg,
    `name: rel
languages: [en, hr, sr]
corpus: { embedded: true, inputs: ["${inp}"] }
data:
  quality: { enabled: false }
  lid: { declared: trust }
  rights: { tdmrepDir: "${join(tmp, 'tdmrep')}", vaultKeyFile: "${vaultKeyFile}" }
tokenizer: { vocabSize: 600 }
release: { provider: "Test Lab", contact: "audit@test.example", license: "apache-2.0", dataLicense: "cc-by-4.0", version: "0.1", placedOnMarket: "2026-12-01", url: "https://test.example/rel", hardware: "2-core VM", acceptableUse: "research", codeOfPractice: "No" }
series:
  - { name: core, preset: micro, dim: 64, nLayers: 2, maxSteps: 4, seqLen: 32, batchSize: 2, evalEvery: 2, export: [f16, q4_0] }
  - { name: edge, preset: micro, dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, maxSteps: 3, seqLen: 32, batchSize: 2, evalEvery: 3, export: [q8_0] }
`,
  );
  const runDir = join(tmp, 'run');
  await runBuild({ file: cfg, out: runDir });
  return { runDir, vaultKeyFile, restricted, pii };
}
