// Tokenizer benchmarks against named peers, same text, same run, ratios printed:
//  (a) training time vs SentencePiece `spm_train --model_type=bpe` on all of ../shared/data/ud
//      plus the UDHR texts; (b) encode throughput vs @huggingface/tokenizers (same
//      tokenizer.json) and tiktoken cl100k_base; (c) UDHR parity spread of ours vs SentencePiece
//      BPE, both trained on the same language-balanced sample.
// Run: npx tsx bench/tokenizer/bench.ts [--vocab 32000] [--only a,b,c] [--temperature 5]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { get_encoding } from 'tiktoken';
import { countWords, loadTokenizer, reportTokenizer, trainTokenizer, udhrTexts } from '../../src/tokenizer/index.js';

const args = process.argv.slice(2);
const arg = (k: string, d: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : d;
};
const VOCAB = Number(arg('vocab', '32000'));
const ONLY = arg('only', 'a,b,c').split(',');
const T = Number(arg('temperature', '5'));
const UD = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ud');
const tmp = mkdtempSync(join(tmpdir(), 'oellm-tokbench-'));
const now = () => performance.now() / 1000;

// The corpus: UD sentences + UDHR paragraphs, one document per line, one file per language.
const raw = join(tmp, 'raw');
mkdirSync(raw);
const byLang = new Map<string, string[]>();
for (const f of readdirSync(UD).filter((f) => f.endsWith('.txt'))) byLang.set(f.replace('.txt', ''), readFileSync(join(UD, f), 'utf8').split('\n').filter(Boolean));
for (const u of udhrTexts()) byLang.set(u.code, [...(byLang.get(u.code) ?? []), ...u.text.split('\n')]);
let all = '';
for (const [l, lines] of byLang) {
  writeFileSync(join(raw, `${l}.txt`), lines.join('\n') + '\n');
  all += lines.join('\n') + '\n';
}
const allFile = join(tmp, 'all.txt');
writeFileSync(allFile, all);
const MB = Buffer.byteLength(all) / 1e6;
console.log(`corpus: ${MB.toFixed(2)} MB, ${byLang.size} languages, vocab ${VOCAB}, temperature ${T}`);

/** Runs spm_train under bash `time`: wall seconds and CPU seconds (user + sys, both threads). */
function spmTrain(input: string, prefix: string): { wall: number; cpu: number } {
  const cmd = `time spm_train --input=${input} --model_prefix=${prefix} --model_type=bpe --vocab_size=${VOCAB} --num_threads=2 --byte_fallback=true --character_coverage=0.9995 --minloglevel=2 >/dev/null 2>&1`;
  const p = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; ${cmd}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (p.status !== 0) throw new Error(`spm_train failed (exit ${p.status}): ${p.stderr}`);
  const err = p.stderr.toString();
  const [r, u, s] = err.trim().split(/\s+/).slice(-3).map(Number) as [number, number, number];
  return { wall: r, cpu: u + s };
}
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

let ours32 = '';
if (ONLY.includes('a') || ONLY.includes('b')) {
  const t0 = now();
  const c0 = cpuNow();
  const r = await trainTokenizer({ inputs: [raw], vocabSize: VOCAB, out: join(tmp, 'ours'), temperature: T });
  const ours = now() - t0;
  const oursCpu = cpuNow() - c0;
  ours32 = join(tmp, 'ours');
  if (ONLY.includes('a')) {
    const spm = spmTrain(allFile, join(tmp, 'spm'));
    console.log(
      `(a) training ${VOCAB}: oellm ${ours.toFixed(1)} s wall / ${oursCpu.toFixed(1)} s CPU (read ${r.seconds.read.toFixed(1)} s + merges ${r.seconds.merge.toFixed(1)} s, 1 thread) | spm_train bpe ${spm.wall.toFixed(1)} s wall / ${spm.cpu.toFixed(1)} s CPU (2 threads) | ratio spm/oellm: wall ${(spm.wall / ours).toFixed(2)}×, CPU ${(spm.cpu / oursCpu).toFixed(2)}×`,
    );
  }
}

if (ONLY.includes('b')) {
  const lines = all.split('\n').filter(Boolean);
  const json = JSON.parse(readFileSync(join(ours32, 'tokenizer.json'), 'utf8'));
  const cfg = JSON.parse(readFileSync(join(ours32, 'tokenizer_config.json'), 'utf8'));
  const run = (name: string, make: () => (s: string) => ArrayLike<number>) => {
    let best = Infinity;
    let tokens = 0;
    for (let rep = 0; rep < 2; rep++) {
      const enc = make(); // fresh instance: caches start cold every repetition
      const t0 = now();
      tokens = 0;
      for (const l of lines) tokens += enc(l).length;
      best = Math.min(best, now() - t0);
    }
    console.log(`    ${name.padEnd(28)} ${(MB / best).toFixed(2)} MB/s  ${(tokens / best / 1e6).toFixed(2)} Mtok/s  (${tokens} tokens)`);
    return MB / best;
  };
  const ours = run('oellm', () => {
    const t = loadTokenizer(json, cfg);
    return (s) => t.encode(s);
  });
  const hf = run('@huggingface/tokenizers 0.2', () => {
    const t = new HfTokenizer(json, cfg);
    return (s) => t.encode(s, { add_special_tokens: false }).ids;
  });
  const enc = get_encoding('cl100k_base');
  const tt = run('tiktoken cl100k_base (wasm)', () => (s) => enc.encode(s));
  enc.free();
  // Same ids as HF on the whole corpus (correctness of what was timed).
  const a = loadTokenizer(json, cfg);
  const b = new HfTokenizer(json, cfg);
  let diff = 0;
  for (const l of lines) if (a.encode(l).join() !== b.encode(l, { add_special_tokens: false }).ids.join()) diff++;
  console.log(`(b) encode ${MB.toFixed(2)} MB, one call per line: oellm/HF = ${(ours / hf).toFixed(2)}×, oellm/tiktoken = ${(ours / tt).toFixed(2)}×; lines whose ids differ from HF: ${diff}/${lines.length}`);
}

if (ONLY.includes('c')) {
  // The balanced sample: language l's lines kept at rate share_l·N/n_l (repeated when > 1),
  // deterministic (line index stride), same total bytes as the raw corpus.
  const { stats } = await countWords({ inputs: [raw], temperature: T });
  const bal = join(tmp, 'balanced');
  mkdirSync(bal);
  let balAll = '';
  for (const [l, lines] of byLang) {
    const st = stats.langs[l]!;
    const rate = (st.share * stats.bytes) / st.bytes;
    const out: string[] = [];
    let acc = 0;
    for (let rep = 0; rep < Math.ceil(rate); rep++) {
      for (const line of lines) {
        acc += Math.min(1, rate - rep);
        if (acc >= 1) {
          out.push(line);
          acc -= 1;
        }
      }
    }
    writeFileSync(join(bal, `${l}.txt`), out.join('\n') + '\n');
    balAll += out.join('\n') + '\n';
  }
  const balFile = join(tmp, 'balanced.txt');
  writeFileSync(balFile, balAll);
  const t0 = now();
  await trainTokenizer({ inputs: [bal], vocabSize: VOCAB, out: join(tmp, 'ours-bal'), temperature: 1 }); // already balanced
  const oursT = now() - t0;
  const spmT = spmTrain(balFile, join(tmp, 'spm-bal')).wall;
  const ours = reportTokenizer('oellm', loadTokenizer(join(tmp, 'ours-bal')));
  // SentencePiece: same UDHR lines through spm_encode, ids counted per line.
  const spmTok = {
    vocabSize: VOCAB,
    encode: (s: string) => {
      const out = execFileSync('spm_encode', [`--model=${join(tmp, 'spm-bal.model')}`, '--output_format=id'], { input: s + '\n' })
        .toString()
        .trim();
      return out ? out.split(/\s+/).map(Number) : [];
    },
  };
  const texts = udhrTexts().map((u) => ({ ...u, text: u.text.replace(/\n/g, ' ') })); // one spm_encode call per language
  const oursOne = reportTokenizer('oellm', loadTokenizer(join(tmp, 'ours-bal')), texts);
  const spm = reportTokenizer('sentencepiece-bpe', spmTok, texts);
  console.log(`(c) balanced sample ${(Buffer.byteLength(balAll) / 1e6).toFixed(2)} MB (T=${T}); train oellm ${oursT.toFixed(1)} s, spm ${spmT.toFixed(1)} s`);
  console.log('    lang      oellm   spm-bpe   (UDHR tokens relative to English)');
  for (const k of Object.keys(oursOne.parity)) console.log(`    ${k.padEnd(8)} ${oursOne.parity[k]!.toFixed(3).padStart(6)}  ${spm.parity[k]!.toFixed(3).padStart(7)}`);
  for (const r of [oursOne, spm]) {
    const s = r.summary;
    console.log(`    ${r.tokenizer}: best ${s.best} ${s.bestParity.toFixed(3)}, worst ${s.worst} ${s.worstParity.toFixed(3)}, spread ${s.spread.toFixed(3)}, ${s.withinFactor15}/${s.languages} within 1.5× English`);
  }
  console.log(`    (per-line encoding, as \`oellm tokenizer report\`: oellm spread ${ours.summary.spread.toFixed(3)}, worst ${ours.summary.worst} ${ours.summary.worstParity.toFixed(3)})`);
}
rmSync(tmp, { recursive: true, force: true });
