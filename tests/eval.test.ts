// `oellm eval` end to end on real models (a random checkpoint, its F16 / Q4_0 GGUF exports in
// llama.cpp) and the real evaluation data in ../shared/eval, read in place: several models side
// by side, every task kind, no-data rows, skipped counts, quant cost, report files, the unit
// cache (rerun = all cached, a deleted unit reruns alone), worker processes, the endpoint
// backend against a real HTTP server (same numbers as the GGUF it serves; failing and hanging
// endpoints become failed rows while other units go on) and `oellm eval validate`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportGguf } from '../src/export/gguf.js';
import { runEval, writeReport, type Report } from '../src/eval/index.js';
import { makeCheckpoint, tmp } from './gguf-helpers.js';
import { BIN, cliEnv } from './helpers/cli.js';
import { startLlmServer } from './helpers/llm-server.js';

let root: string;
let ck: Awaited<ReturnType<typeof makeCheckpoint>>;
const g: Record<string, string> = {};
let native: string;
let pairsFile: string;

before(async () => {
  root = tmp('eval-e2e');
  // A 64-token context: FLORES sentences need more than one window in some languages.
  ck = await makeCheckpoint({ root, config: { maxSeqLen: 64 } });
  for (const t of ['f16', 'q4_0'] as const) exportGguf(ck.dir, { type: t, out: (g[t] = join(root, `m-${t}.gguf`)) });
  native = join(root, 'civics.jsonl');
  writeFileSync(
    native,
    [
      JSON.stringify({ oellm_task: 1, id: 'civics', kind: 'multiple_choice', templates: { default: { prompt: 'Question: {{question}}\nAnswer:' }, hr: { prompt: 'Pitanje: {{question}}\nOdgovor:' } } }),
      JSON.stringify({ lang: 'hr', question: 'Koji je glavni grad Hrvatske?', choices: ['Zagreb', 'Split', 'Rijeka'], answer: 0 }),
      JSON.stringify({ lang: 'hr', question: 'Koliko je dva i dva?', choices: ['tri', 'četiri'], answer: 1 }),
      '{"lang": "hr", "question": "broken", "choices": ["a"], "answer": 0}',
      JSON.stringify({ lang: 'en', question: 'What is the capital of France?', choices: ['Paris', 'Rome'], answer: 0 }),
    ].join('\n') + '\n',
  );
  pairsFile = join(root, 'hr-pairs.tsv');
  writeFileSync(pairsFile, 'sen\twrong_sen\tphenomenon\nPas laje.\tPas lajem.\tSV-P\nMi idemo kući.\tMi ide kući.\tSV-#\n\tPrazno.\tbroken\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

const rows = (r: Report, model: string, task: string, lang: string, metric?: string) => r.results.filter((x) => x.model === model && x.task === task && x.lang === lang && (!metric || x.metric === metric));
const one = (r: Report, model: string, task: string, lang: string, metric: string) => {
  const xs = rows(r, model, task, lang, metric);
  assert.equal(xs.length, 1, `${model} ${task} ${lang} ${metric}: ${xs.length} rows`);
  return xs[0]!;
};

test('three models side by side over every task kind: rows, no-data rows, skipped counts, quant cost, report files; rerun resumes from the unit cache', async () => {
  const out = join(root, 'out');
  const lines: string[] = [];
  const opts = {
    models: [g.f16!, g.q4_0!, ck.dir],
    tasks: ['flores-bpb', 'sib200', 'exams', native, 'pairs', 'quant'],
    langs: ['hr', 'en', 'de', 'cnr'],
    limit: 4,
    quantLimit: 4,
    pairs: { hr: [pairsFile] },
    out,
    backend: { threads: 1 },
    log: (l: string) => lines.push(l),
  };
  const r = await runEval(opts);
  const files = writeReport(out, r);
  assert.equal(r.schema, 'oellm.eval/1');
  assert.deepEqual(
    r.models.map((m) => [m.id, m.kind, m.quant]),
    [
      ['m-f16', 'gguf', 'f16'],
      ['m-q4_0', 'gguf', 'q4_0'],
      ['model', 'checkpoint', 'f32'],
    ],
  );
  for (const m of r.models) assert.match(m.sha256, /^[0-9a-f]{64}$/);
  for (const t of r.tasks) assert.match(t.data_sha256, /^[0-9a-f]{64}$/);
  // flores-bpb: values for hr/en/de, a no_data row for cnr (no Montenegrin in FLORES-200).
  for (const m of ['m-f16', 'm-q4_0', 'model']) {
    for (const l of ['hr', 'en', 'de']) {
      const x = one(r, m, 'flores-bpb', l, 'bits_per_byte');
      assert.equal(x.status, 'ok');
      assert.equal(x.n, 4);
      assert.ok(x.value! > 1 && x.value! < 20 && x.stderr! > 0, `${m} ${l} bpb ${x.value}`);
    }
    assert.equal(one(r, m, 'flores-bpb', 'cnr', 'bits_per_byte').status, 'no_data');
  }
  // Our forward on F32 weights and llama.cpp on the F16 export: close (F16 rounding only).
  const a = one(r, 'model', 'flores-bpb', 'hr', 'bits_per_byte').value!;
  const b = one(r, 'm-f16', 'flores-bpb', 'hr', 'bits_per_byte').value!;
  assert.ok(Math.abs(a - b) / a < 2e-3, `checkpoint ${a} vs f16 ${b}`);
  // sib200: three multiple-choice metrics with lm-eval standard errors.
  for (const metric of ['acc', 'acc_norm', 'acc_bytes']) {
    const x = one(r, 'm-f16', 'sib200', 'de', metric);
    assert.equal(x.n, 4);
    assert.ok(x.value! >= 0 && x.value! <= 1);
    assert.equal(x.template, 'sib200-topic-en/1');
  }
  // exams: English has none (a row says so); German's two "@" answer keys are skipped and counted.
  assert.equal(one(r, 'm-f16', 'exams', 'en', 'acc').status, 'no_data');
  assert.deepEqual(one(r, 'm-f16', 'exams', 'de', 'acc').skipped, { no_valid_answer_key: 2 });
  // native task: the bad line is reported (file:line) and counted; the rest ran.
  assert.ok(
    lines.some((l) => l.startsWith(`${native}:4:`)),
    lines.join('\n'),
  );
  const civ = one(r, 'm-f16', 'civics', 'hr', 'acc');
  assert.equal(civ.n, 2);
  assert.deepEqual(civ.skipped, { malformed: 1 });
  assert.equal(civ.template, 'civics/hr');
  assert.equal(one(r, 'm-f16', 'civics', 'en', 'acc').template, 'civics/default');
  // pairs: two valid pairs, one row skipped for a missing sentence; no data for other languages.
  const pr = one(r, 'm-f16', 'pairs', 'hr', 'acc');
  assert.equal(pr.n, 2);
  assert.deepEqual(pr.skipped, { missing_sentence: 1 });
  assert.equal(one(r, 'm-f16', 'pairs', 'de', 'acc').status, 'no_data');
  // quant: every other model against the first, per language.
  const q4 = r.quant.find((q) => q.model === 'm-q4_0' && q.lang === 'hr')!;
  const ckq = r.quant.find((q) => q.model === 'model' && q.lang === 'hr')!;
  assert.equal(q4.base, 'm-f16');
  assert.ok(q4.n_tokens > 50);
  assert.ok(q4.kld_mean > ckq.kld_mean && ckq.kld_mean < 1e-4, `q4_0 ${q4.kld_mean} vs f32 checkpoint ${ckq.kld_mean}`);
  assert.ok(q4.kld_p99 >= q4.kld_median && q4.top1 > 0 && q4.top1 <= 1 && q4.rms_dp > 0 && q4.ppl_ratio > 0.9 && q4.ppl_ratio < 1.1);
  // Report files.
  for (const f of ['report.json', 'report.md', 'flores-bpb.svg', 'sib200.svg', 'exams.svg', 'civics.svg', 'quant.svg']) assert.ok(files.includes(join(out, f)), f);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /### parity: m-f16/);
  assert.match(md, /\| hr \| [\d.]+ \| [\d.]+ \|/);
  assert.match(md, /no_valid_answer_key: 2/);
  const svg = readFileSync(join(out, 'flores-bpb.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.equal((svg.match(/<rect x="\d+" y="[\d.]+" width="[\d.]+" height="10" fill=/g) ?? []).length, 9, 'a bar per language × model');

  // Rerun: every unit cached, same values.
  const lines2: string[] = [];
  const r2 = await runEval({ ...opts, log: (l) => lines2.push(l) });
  const n = countUnits(out);
  assert.ok(n >= 40 && lines2.includes(`eval: ${n} units, ${n} cached`), lines2.join('\n'));
  assert.deepEqual(r2.results, r.results);
  // A lost unit (a killed run) is the only one that runs again.
  const unitFiles = readdirSync(join(out, 'units'));
  unlinkSync(join(out, 'units', unitFiles[0]!));
  const lines3: string[] = [];
  const r3 = await runEval({ ...opts, log: (l) => lines3.push(l) });
  assert.equal(lines3.filter((l) => / done \(|: no data$/.test(l)).length, 1, lines3.join('\n'));
  assert.deepEqual(r3.results, r.results);
});

function countUnits(out: string): number {
  return readdirSync(join(out, 'units')).filter((f) => f.endsWith('.json') && !f.endsWith('.failed.json')).length;
}

test('endpoint backend against a real HTTP server: same bits per byte and accuracy as the GGUF it serves; failing and hanging endpoints become failed rows, other units go on', async () => {
  const ok = await startLlmServer(g.f16!);
  const bad = await startLlmServer(null, { fail: 500 });
  const hang = await startLlmServer(null, { hang: true });
  try {
    const out = join(root, 'out-endpoint');
    const r = await runEval({ models: [g.f16!, ok.url], tasks: ['flores-bpb', 'sib200'], langs: ['hr', 'en'], limit: 3, out, backend: { threads: 1 } });
    const ids = r.models.map((m) => m.id);
    assert.equal(r.models[1]!.kind, 'endpoint');
    for (const l of ['hr', 'en']) {
      const x = one(r, ids[0]!, 'flores-bpb', l, 'bits_per_byte').value!;
      const y = one(r, ids[1]!, 'flores-bpb', l, 'bits_per_byte').value!;
      assert.ok(Math.abs(x - y) / x < 1e-4, `${l}: gguf ${x} vs endpoint ${y}`);
      for (const m of ['acc', 'acc_norm', 'acc_bytes']) assert.equal(one(r, ids[1]!, 'sib200', l, m).value, one(r, ids[0]!, 'sib200', l, m).value);
    }
    // A server answering 500 and one that never answers (500 ms timeout): failed rows after the
    // retries; the GGUF model's units in the same run are fine.
    const r2 = await runEval({
      models: [g.f16!, bad.url, hang.url],
      tasks: ['flores-bpb', 'sib200'],
      langs: ['hr', 'en'],
      limit: 3,
      out: join(root, 'out-endpoint-faults'),
      backend: { threads: 1, endpoint: { timeoutMs: 500, retries: 2, backoffMs: 20 } },
    });
    const ids2 = r2.models.map((m) => m.id);
    for (const l of ['hr', 'en']) {
      assert.equal(one(r2, ids2[0]!, 'flores-bpb', l, 'bits_per_byte').status, 'ok');
      for (const [m, why] of [
        [ids2[1]!, /HTTP 500.*after 2 retries/],
        [ids2[2]!, /timed out after 500 ms.*after 2 retries/],
      ] as const) {
        for (const task of ['flores-bpb', 'sib200']) {
          const f = rows(r2, m, task, l);
          assert.equal(f.length, 1);
          assert.equal(f[0]!.status, 'failed');
          assert.match(f[0]!.error!, why);
        }
      }
    }
    // Retries: the first attempt plus two per call.
    assert.ok(bad.requests.length >= 3, `${bad.requests.length} requests`);
    assert.ok(hang.requests.length >= 3, `${hang.requests.length} requests`);
  } finally {
    await ok.close();
    await bad.close();
    await hang.close();
  }
});

test('local executor: worker processes give the same rows as inline', async () => {
  const base = { models: [g.q4_0!], tasks: ['flores-bpb'], langs: ['hr', 'de', 'fi'], limit: 2, backend: { threads: 1 } };
  const inline = await runEval({ ...base, out: join(root, 'inline') });
  const prev = process.env.OELLM_FROM_SOURCE;
  Object.assign(process.env, cliEnv());
  try {
    const local = await runEval({ ...base, out: join(root, 'local'), executor: 'local', workers: 2 });
    assert.deepEqual(local.results, inline.results);
  } finally {
    if (prev === undefined) delete process.env.OELLM_FROM_SOURCE;
    else process.env.OELLM_FROM_SOURCE = prev;
  }
});

test('k-shot: sib200 draws its examples from train; EXAMS German has no train split, so its rows say 0 shots', async () => {
  const r = await runEval({ models: [g.q4_0!], tasks: ['sib200', 'exams'], langs: ['hr', 'de'], shots: 2, limit: 2, out: join(root, 'kshot'), backend: { threads: 1 } });
  assert.equal(one(r, 'm-q4_0', 'sib200', 'hr', 'acc').shots, 2);
  assert.equal(one(r, 'm-q4_0', 'exams', 'hr', 'acc').shots, 2);
  assert.equal(one(r, 'm-q4_0', 'exams', 'de', 'acc').shots, 0);
  const z = await runEval({ models: [g.q4_0!], tasks: ['sib200'], langs: ['hr'], limit: 2, out: join(root, 'kshot'), backend: { threads: 1 } });
  assert.equal(one(z, 'm-q4_0', 'sib200', 'hr', 'acc').shots, 0);
});

test('oellm eval validate names each bad line (file:line) and exits 1; --help documents the command', () => {
  const f = join(root, 'bad.jsonl');
  writeFileSync(
    f,
    [
      JSON.stringify({ oellm_task: 1, id: 'quiz', kind: 'multiple_choice', templates: { default: { prompt: 'Q: {{question}}\nA:' } } }),
      JSON.stringify({ lang: 'hr', question: 'ok?', choices: ['da', 'ne'], answer: 0 }),
      '{not json',
      JSON.stringify({ lang: 'xx', question: 'q', choices: ['a', 'b'], answer: 0 }),
      JSON.stringify({ lang: 'de', question: 'q', choices: ['a', 'b'], answer: 2 }),
      JSON.stringify({ lang: 'de', choices: ['a', 'b'], answer: 1 }),
    ].join('\n') + '\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'eval', 'validate', f], { encoding: 'utf8', env: { ...process.env, ...cliEnv() } });
  assert.equal(r.status, 1, r.stderr);
  const out = r.stdout;
  assert.match(out, new RegExp(`${f}:3: not JSON`));
  assert.match(out, new RegExp(`${f}:4: "lang" must be a registry code`));
  assert.match(out, new RegExp(`${f}:5: "answer" must be the 0-based index`));
  assert.match(out, new RegExp(`${f}:6: the template needs the string field\\(s\\) "question"`));
  assert.match(out, /1 valid item\(s\) in 1 language\(s\), 4 bad line\(s\)/);
  const ok = spawnSync(process.execPath, [BIN, 'eval', 'validate', native], { encoding: 'utf8', env: { ...process.env, ...cliEnv() } });
  assert.equal(ok.status, 1); // the planted bad line
  const h = spawnSync(process.execPath, [BIN, 'eval', '--help'], { encoding: 'utf8', env: { ...process.env, ...cliEnv() } });
  assert.equal(h.status, 0);
  for (const s of ['--model <spec>', '--compare', '--shots', '--executor', 'validate']) assert.ok(h.stdout.includes(s), s);
  assert.ok(existsSync(BIN));
});
