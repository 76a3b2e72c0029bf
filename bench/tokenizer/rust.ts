// Tokenizer encode against the Rust `tokenizers` library (HF, the peer users would pick; through
// its Python binding from /work/venv or OELLM_TOKENIZERS_PYTHON): same tokenizer.json (our BPE,
// trained on ../shared/data/ud), the same 5 MB of lines, one encode call per line, one thread,
// CPU seconds around the encode loop on both sides, ids compared token for token. Prints MB per
// CPU-second and the ratio. Not a test: nothing is asserted.
// Run: npx tsx bench/tokenizer/rust.ts [--vocab 32000] [--reps 3] [--tokenizer dir]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, trainTokenizer } from '../../src/tokenizer/index.js';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : d;
};
const VOCAB = Number(arg('vocab', '32000'));
const REPS = Number(arg('reps', '3'));
const here = import.meta.dirname;
const UD = join(here, '..', '..', '..', 'shared', 'data', 'ud');
const tmp = mkdtempSync(join(tmpdir(), 'oellm-tokrust-'));
const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const pythons = [process.env.OELLM_TOKENIZERS_PYTHON, join(here, '..', '..', '..', 'venv', 'bin', 'python'), '/work/venv/bin/python', 'python3'].filter((p): p is string => !!p);
const python = pythons.find((p) => spawnSync(p, ['-c', 'import tokenizers'], { stdio: 'ignore' }).status === 0);

try {
  const files = readdirSync(UD)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const lines = files.flatMap((f) => readFileSync(join(UD, f), 'utf8').split('\n')).filter(Boolean);
  const linesFile = join(tmp, 'lines.txt');
  writeFileSync(linesFile, lines.join('\n') + '\n');
  const bytes = Buffer.byteLength(lines.join(''));
  let tokDir = arg('tokenizer', '');
  if (!tokDir) {
    tokDir = join(tmp, 'tok');
    await trainTokenizer({ inputs: [UD], vocabSize: VOCAB, out: tokDir });
  }
  const tokJson = join(tokDir, 'tokenizer.json');
  console.log(
    `text: ../shared/data/ud, ${lines.length} lines, ${(bytes / 1e6).toFixed(2)} MB; tokenizer ${tokJson} (vocab ${VOCAB}); load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );

  // oellm: fresh tokenizer per repetition (cold word cache, as the peer's fresh process).
  let ours = { cpu: Infinity, wall: Infinity, tokens: 0 };
  let oursIds: Int32Array = new Int32Array(0);
  for (let r = 0; r < REPS; r++) {
    const tok = loadTokenizer(tokJson);
    const all: number[][] = new Array(lines.length);
    const c0 = cpuNow();
    const w0 = performance.now();
    for (let i = 0; i < lines.length; i++) all[i] = tok.encode(lines[i]!);
    const cpu = cpuNow() - c0;
    const wall = (performance.now() - w0) / 1000;
    if (cpu < ours.cpu) {
      const tokens = all.reduce((a, x) => a + x.length, 0);
      ours = { cpu, wall, tokens };
      oursIds = Int32Array.from(all.flat());
    }
  }
  const mb = bytes / 1e6;
  console.log(`oellm            ${(mb / ours.cpu).toFixed(2)} MB/CPU-s  ${(mb / ours.wall).toFixed(2)} MB/s wall  (${ours.tokens} tokens, best of ${REPS})`);
  if (!python) console.log('peer unavailable: no python with the `tokenizers` package (a venv with tokenizers 0.23; say OELLM_TOKENIZERS_PYTHON=...)');
  else {
    let peer = { cpu_s: Infinity, wall_s: Infinity, tokens: 0, version: '' };
    const idsFile = join(tmp, 'peer.ids');
    for (let r = 0; r < REPS; r++) {
      const p = spawnSync(python, [join(here, 'rust_peer.py'), tokJson, linesFile, idsFile], { encoding: 'utf8', env: { ...process.env, RAYON_NUM_THREADS: '1', TOKENIZERS_PARALLELISM: 'false' } });
      if (p.status !== 0) throw new Error(`peer failed: ${p.stderr}`);
      const j = JSON.parse(p.stdout.trim().split('\n').pop()!) as typeof peer;
      if (j.cpu_s < peer.cpu_s) peer = j;
    }
    const buf = readFileSync(idsFile);
    const peerIds = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    let firstDiff = -1;
    const n = Math.max(peerIds.length, oursIds.length);
    for (let i = 0; i < n; i++)
      if (peerIds[i] !== oursIds[i]) {
        firstDiff = i;
        break;
      }
    console.log(`tokenizers ${peer.version.padEnd(6)} ${(mb / peer.cpu_s).toFixed(2)} MB/CPU-s  ${(mb / peer.wall_s).toFixed(2)} MB/s wall  (${peer.tokens} tokens, best of ${REPS}; ${python})`);
    console.log(`ratio oellm / Rust tokenizers: ${(peer.cpu_s / ours.cpu).toFixed(2)}× per CPU-second, ${(peer.wall_s / ours.wall).toFixed(2)}× wall; ids ${firstDiff < 0 ? `identical (${n} tokens)` : `DIFFER from token ${firstDiff}`}`);

    // Whole processes (start-up, tokenizer load, encode, output), CPU seconds from bash `time`:
    // `oellm tokenizer encode --json` (compiled dist/) vs the peer script (which writes the ids).
    const cpuOf = (cmd: string): number => {
      const p = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time (${cmd}) >/dev/null`], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`${cmd} failed: ${p.stderr}`);
      const [u, sy] = p.stderr.trim().split(/\s+/).slice(-2).map(Number) as [number, number];
      return u + sy;
    };
    const bin = join(here, '..', '..', 'bin', 'oellm.js');
    if (existsSync(join(here, '..', '..', 'dist', 'cli', 'main.js'))) {
      let cliCpu = Infinity;
      let peerCpu = Infinity;
      for (let r = 0; r < REPS; r++) {
        cliCpu = Math.min(cliCpu, cpuOf(`${process.execPath} ${bin} tokenizer encode --json --tokenizer ${tokJson} ${linesFile}`));
        peerCpu = Math.min(peerCpu, cpuOf(`RAYON_NUM_THREADS=1 ${python} ${join(here, 'rust_peer.py')} ${tokJson} ${linesFile} ${idsFile}`));
      }
      console.log(`whole process: oellm CLI ${(mb / cliCpu).toFixed(2)} MB/CPU-s (${cliCpu.toFixed(2)} s) | Rust peer process ${(mb / peerCpu).toFixed(2)} MB/CPU-s (${peerCpu.toFixed(2)} s) | ratio ${(peerCpu / cliCpu).toFixed(2)}×`);
    } else console.log('whole process: skipped (dist/ not built: npm run build)');
  }
} finally {
  if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
}
