// oellm serve dashboard: fetches the server's own API (/api/*, /v1/*) and draws the run with
// hand-written SVG charts (bars, lines, heatmap) and a streaming playground. Plain browser
// JavaScript (no framework, no CDN, no build). Not the data logic: the server reads the run dir.
// Reference: OpenAI streaming (SSE) chunk shapes; legacy completions logprobs.

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = (n, d = 0) => (n == null || Number.isNaN(n) ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const bytes = (n) => (n >= 1 << 30 ? `${fmt(n / (1 << 30), 2)} GiB` : n >= 1 << 20 ? `${fmt(n / (1 << 20), 2)} MiB` : n >= 1024 ? `${fmt(n / 1024, 1)} KiB` : `${n} B`);
const PALETTE = ['#2b59c3', '#e07b39', '#1f8a4c', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#d4a017'];

let apiKey = localStorage.getItem('oellm-key') || '';
const headers = () => (apiKey ? { Authorization: `Bearer ${apiKey}` } : {});
async function api(path, init = {}) {
  const r = await fetch(path, { ...init, headers: { ...headers(), ...(init.headers || {}) } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw Object.assign(new Error(body?.error?.message || `${r.status}`), { status: r.status });
  return body;
}

// ---------- SVG charts ----------
function svg(w, h, inner) {
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px" role="img">${inner}</svg>`;
}
/** A round tick step for about 4–5 ticks up to v, and the axis maximum (a multiple of it). */
function niceStep(v) {
  if (!(v > 0)) return 0.25;
  const raw = v / 4.5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw);
}
function niceMax(v) {
  const st = niceStep(v);
  return Math.max(st, Math.ceil(v / st - 1e-9) * st);
}
const ticks = (lo, hi) => {
  const st = niceStep(hi - lo);
  const out = [];
  for (let v = lo; v <= hi + st * 1e-6; v += st) out.push(v);
  return out;
};
const tickDigits = (lo, hi) => {
  const st = niceStep(hi - lo);
  // Enough decimals to tell ticks apart, also for tiny values (KL divergences of 1e-5).
  return st >= 1 ? 0 : Math.min(12, Math.ceil(-Math.log10(st) + 1e-9) + (st / 10 ** Math.floor(Math.log10(st)) === 2.5 ? 1 : 0));
};
/** Grouped horizontal-label bar chart: cats on x, one bar per series. */
function bars(cats, series, { h = 220, unit = '', digits = 0, title = '' } = {}) {
  const w = Math.max(360, 70 + cats.length * (14 + series.length * 16));
  const top = 18,
    bottom = 42,
    left = 56,
    right = 10;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v != null))));
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  const slot = (w - left - right) / Math.max(1, cats.length);
  const bw = Math.min(22, (slot - 8) / series.length);
  let g = '';
  for (const v of ticks(0, max)) g += `<line class="grid" x1="${left}" x2="${w - right}" y1="${y(v)}" y2="${y(v)}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v, tickDigits(0, max))}</text>`;
  cats.forEach((c, i) => {
    const x0 = left + i * slot + (slot - bw * series.length) / 2;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (v == null) return;
      g += `<rect x="${x0 + j * bw}" y="${y(v)}" width="${bw - 2}" height="${Math.max(0, y(0) - y(v))}" fill="${s.color}" rx="2"><title>${esc(c)} · ${esc(s.name)}: ${fmt(v, digits)}${unit}</title></rect>`;
    });
    g += `<text x="${left + i * slot + slot / 2}" y="${h - bottom + 14}" text-anchor="middle">${esc(c)}</text>`;
  });
  g += `<line class="axis" x1="${left}" x2="${w - right}" y1="${y(0)}" y2="${y(0)}"/>`;
  if (title) g += `<text x="${left}" y="11" font-weight="600">${esc(title)}</text>`;
  const legend = series.length > 1 ? `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('')}</div>` : '';
  return legend + svg(w, h, g);
}
/** Line chart of series [{name, color, points: [[x, y]]}]. */
function lines(series, { w = 440, h = 230, xlabel = '', ylabel = '', digits = 2 } = {}) {
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) return '<div class="empty">no points</div>';
  const left = 56,
    right = 12,
    top = 14,
    bottom = 34;
  const xmax = Math.max(...pts.map((p) => p[0])),
    xmin = Math.min(...pts.map((p) => p[0]));
  const ymaxRaw = Math.max(...pts.map((p) => p[1])),
    yminRaw = Math.min(...pts.map((p) => p[1]));
  const ymin0 = yminRaw > 0 && yminRaw / ymaxRaw > 0.3 ? yminRaw * 0.95 : 0;
  const ymin = ymin0 > 0 ? Math.floor(ymin0 / niceStep(ymaxRaw - ymin0)) * niceStep(ymaxRaw - ymin0) : 0;
  const ymax = ymin + niceMax(ymaxRaw - ymin);
  const x = (v) => left + ((w - left - right) * (v - xmin)) / Math.max(1e-9, xmax - xmin);
  const y = (v) => top + (h - top - bottom) * (1 - (v - ymin) / Math.max(1e-9, ymax - ymin));
  let g = '';
  for (const v of ticks(ymin, ymax)) g += `<line class="grid" x1="${left}" x2="${w - right}" y1="${y(v)}" y2="${y(v)}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v, tickDigits(ymin, ymax))}</text>`;
  for (let i = 0; i <= 4; i++) {
    const v = xmin + ((xmax - xmin) * i) / 4;
    g += `<text x="${x(v)}" y="${h - bottom + 14}" text-anchor="middle">${fmt(v)}</text>`;
  }
  g += `<line class="axis" x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}"/><line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}"/>`;
  g += `<text x="${(left + w) / 2}" y="${h - 4}" text-anchor="middle">${esc(xlabel)}</text><text x="12" y="${top + 6}" transform="rotate(-90 12 ${top + 6})" text-anchor="end">${esc(ylabel)}</text>`;
  for (const s of series) {
    if (!s.points.length) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    g += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8" ${s.dash ? 'stroke-dasharray="4 3"' : ''}><title>${esc(s.name)}</title></path>`;
    const last = s.points[s.points.length - 1];
    g += `<circle cx="${x(last[0])}" cy="${y(last[1])}" r="3" fill="${s.color}"><title>${esc(s.name)}: ${fmt(last[1], digits)} at ${fmt(last[0])}</title></circle>`;
  }
  const legend = `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('')}</div>`;
  return legend + svg(w, h, g);
}
/** Heatmap table: rows × cols, white → orange → red by value. */
function heatmap(rows, cols, value, { digits = 3, label = '' } = {}) {
  const vals = rows.flatMap((r) => cols.map((c) => value(r, c))).filter((v) => v != null && Number.isFinite(v));
  const max = Math.max(1e-12, ...vals);
  const color = (v) => {
    if (v == null) return '#f3f5f8';
    const t = Math.min(1, Math.max(0, v / max));
    return `hsl(${30 - 30 * t} ${70 + 20 * t}% ${97 - 45 * t}%)`;
  };
  let t = `<table class="heat"><tr><th>${esc(label)}</th>${cols.map((c) => `<th class="num">${esc(c)}</th>`).join('')}</tr>`;
  for (const r of rows)
    t += `<tr><th>${esc(r)}</th>${cols
      .map((c) => {
        const v = value(r, c);
        return `<td class="cell" style="background:${color(v)}" title="${esc(r)} · ${esc(c)}: ${v == null ? 'no data' : v.toPrecision(4)}">${v == null ? '–' : Math.abs(v) < 10 ** -digits && v !== 0 ? v.toExponential(1) : fmt(v, digits)}</td>`;
      })
      .join('')}</tr>`;
  return t + '</table>';
}
const kpi = (label, value) => `<div class="kpi"><b>${value}</b><span>${esc(label)}</span></div>`;

// ---------- sections ----------
async function showRun(run) {
  $('title').textContent = `oellm · ${run.name ?? 'models'}`;
  $('rundir').textContent = run.runDir ?? 'model files';
  const s = run.summary;
  let h = '<div class="kpis">';
  h += kpi('models served', run.models.length);
  if (s) {
    h += kpi('languages', s.languages?.length ?? '–') + kpi('variants', s.variants?.length ?? '–') + kpi('documents kept', fmt(s.counts?.kept)) + kpi('tokenizer vocabulary', fmt(s.tokenizer?.vocabSize));
    if (s.wall_s != null) h += kpi('build wall time', `${fmt(s.wall_s, 1)} s`);
  }
  h += '</div>';
  if (s?.variants?.length) {
    h += '<h3>Variants</h3><table><tr><th>variant</th><th class="num">parameters</th><th class="num">steps</th><th class="num">training tokens</th><th class="num">final loss</th><th class="num">train tokens/s</th></tr>';
    for (const v of s.variants)
      h += `<tr><td><b>${esc(v.name)}</b></td><td class="num">${fmt(v.params)}</td><td class="num">${fmt(v.steps)}</td><td class="num">${fmt(v.tokens)}</td><td class="num">${fmt(v.finalLoss, 3)}</td><td class="num">${fmt(v.tokensPerS)}</td></tr>`;
    h += '</table>';
  }
  h += '<h3>Model files</h3><table id="models-table"><tr><th>model id</th><th>quantization</th><th class="num">size</th><th>sha256</th><th>file</th></tr>';
  for (const m of run.models)
    h += `<tr><td><b>${esc(m.id)}</b></td><td>${esc(m.quant ?? '–')}</td><td class="num">${bytes(m.bytes)}</td><td class="mono" title="${esc(m.sha256)}">${esc(m.sha256.slice(0, 16))}…</td><td class="mono">${esc(m.file)}</td></tr>`;
  h += '</table>';
  if (run.configText) h += `<details><summary>Resolved configuration (config.resolved.yaml)</summary><pre>${esc(run.configText)}</pre></details>`;
  $('run-body').className = '';
  $('run-body').innerHTML = h;
}

function showData(run) {
  const el = $('data-body');
  const s = run.summary,
    m = run.manifest;
  if (!s && !m) return (el.innerHTML = '<div class="empty">No dataset records: this server was started on model files, not a run dir.</div>');
  el.className = '';
  const c = m?.counts ?? s?.counts ?? {};
  let h = '<div class="kpis">' + kpi('documents in', fmt(c.in)) + kpi('kept', fmt(c.kept)) + kpi('dropped', fmt(c.dropped)) + kpi('quarantined', fmt(c.quarantined));
  h += kpi('counts balance', c.balanced === false ? '<span class="pill bad">no</span>' : c.in === c.kept + c.dropped + c.quarantined ? '<span class="pill ok">in = kept + dropped + quarantined</span>' : '–') + '</div>';
  const langs = s?.languages ?? [];
  h += '<div class="grid">';
  if (langs.length) {
    h += `<div>${bars(
      langs.map((l) => l.code),
      [{ name: 'documents', color: PALETTE[0], values: langs.map((l) => l.docs) }],
      { title: 'Documents per language' },
    )}</div>`;
    h += `<div>${bars(
      langs.map((l) => l.code),
      [{ name: 'tokens', color: PALETTE[1], values: langs.map((l) => l.tokens) }],
      { title: 'Tokens per language' },
    )}</div>`;
  }
  const drops = Object.entries(m?.dropped ?? {});
  h += `<div>${
    drops.length
      ? bars(
          drops.map(([k]) => k.replace(/^quality\./, 'q.')),
          [{ name: 'dropped', color: PALETTE[4], values: drops.map(([, v]) => v) }],
          { title: 'Drop reasons' },
        )
      : '<h3>Drop reasons</h3><div class="empty">nothing dropped</div>'
  }</div>`;
  // manifest.pii: `<type>.<lang>` → spans, plus `docs_with_pii`; manifest.rights: decision → documents.
  const piiTypes = {};
  const piiLangs = {};
  for (const [k, v] of Object.entries(m?.pii ?? {})) {
    if (k === 'docs_with_pii' || typeof v !== 'number') continue;
    const [type, lang] = k.split('.');
    piiTypes[type] = (piiTypes[type] ?? 0) + v;
    if (lang) piiLangs[lang] = (piiLangs[lang] ?? 0) + v;
  }
  const rights = Object.entries(m?.rights ?? {});
  const pt = Object.entries(piiTypes);
  h += `<div><h3>PII found</h3>${
    pt.length
      ? `<div class="legend">${fmt(m?.pii?.docs_with_pii ?? 0)} documents with PII (spans are masked; values are never stored)</div>${bars(
          pt.map(([k]) => k),
          [{ name: 'spans', color: PALETTE[3], values: pt.map(([, v]) => v) }],
          { title: 'PII spans by type', h: 180 },
        )}${bars(Object.keys(piiLangs), [{ name: 'spans', color: PALETTE[5], values: Object.values(piiLangs) }], { title: 'PII spans by language', h: 180 })}`
      : '<div class="empty">no PII spans recorded</div>'
  }`;
  h += '<h3>Rights decisions</h3>' + (rights.length ? `<table>${rights.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${fmt(v)}</td></tr>`).join('')}</table>` : '<div class="empty">none recorded</div>') + '</div>';
  h += '</div>';
  if (langs.length) {
    h += '<h3>Per language</h3><table><tr><th>code</th><th>labels</th><th class="num">documents</th><th class="num">bytes</th><th class="num">tokens</th><th class="num">bytes/token</th></tr>';
    for (const l of langs)
      h += `<tr><td>${esc(l.code)}</td><td class="mono">${esc(l.label)}</td><td class="num">${fmt(l.docs)}</td><td class="num">${fmt(l.bytes)}</td><td class="num">${fmt(l.tokens)}</td><td class="num">${fmt(l.bytes / l.tokens, 2)}</td></tr>`;
    h += '</table>';
  }
  el.innerHTML = h;
}

async function showTrain(run) {
  const el = $('train-body');
  const variants = run.summary?.variants?.map((v) => v.name) ?? [...new Set(run.models.map((m) => m.variant))];
  if (!run.runDir) return (el.innerHTML = '<div class="empty">No training logs: serving model files.</div>');
  const logs = (
    await Promise.all(
      variants.map((v) =>
        api(`/api/train/${encodeURIComponent(v)}`)
          .then((r) => [v, r.rows])
          .catch(() => [v, null]),
      ),
    )
  ).filter(([, r]) => r);
  if (!logs.length) return (el.innerHTML = '<div class="empty">No train_log.jsonl in this run.</div>');
  el.className = '';
  const steps = (rows, key) => rows.filter((r) => typeof r[key] === 'number').map((r) => [r.step, r[key]]);
  let h = '<div class="grid">';
  h += `<div><h3>Training loss</h3>${lines(
    logs.map(([v, rows], i) => ({ name: v, color: PALETTE[i % 8], points: steps(rows, 'loss') })),
    { xlabel: 'step', ylabel: 'loss' },
  )}</div>`;
  h += `<div><h3>Throughput</h3>${lines(
    logs.map(([v, rows], i) => ({ name: v, color: PALETTE[i % 8], points: steps(rows, 'tokens_per_s') })),
    { xlabel: 'step', ylabel: 'tokens/s', digits: 0 },
  )}</div>`;
  const val = logs.flatMap(([v, rows], i) => {
    const vr = rows.filter((r) => r.val_bpb);
    if (!vr.length) return [];
    const mean = vr.map((r) => {
      const xs = Object.values(r.val_bpb);
      return [r.step, xs.reduce((a, b) => a + b, 0) / xs.length];
    });
    return [{ name: `${v} (mean over languages)`, color: PALETTE[i % 8], points: mean }];
  });
  if (val.length) h += `<div><h3>Validation bits per byte</h3>${lines(val, { xlabel: 'step', ylabel: 'bits/byte' })}</div>`;
  h += '</div>';
  el.innerHTML = h;
}

async function showEval(run) {
  const el = $('eval-body');
  if (!run.runDir) return (el.innerHTML = '<div class="empty">No evaluation: serving model files.</div>');
  const { report } = await api('/api/eval');
  const s = run.summary;
  let h = '';
  if (!report || report.error) {
    h += `<p><span class="pill warn">not evaluated yet</span> ${report?.error ? esc(report.error) : 'this run has no <code>eval/report.json</code>; run <code>oellm eval</code> (or the eval stage of <code>oellm build</code>).'}</p>`;
    if (s?.variants?.some((v) => v.valBpb)) {
      const langs = [...new Set(s.variants.flatMap((v) => Object.keys(v.valBpb ?? {})))].sort();
      h += `<h3>Meanwhile: validation bits per byte from training (build_summary.json)</h3>${bars(
        langs,
        s.variants.map((v, i) => ({ name: v.name, color: PALETTE[i % 8], values: langs.map((l) => v.valBpb?.[l] ?? null) })),
        { digits: 3 },
      )}`;
    }
    el.className = '';
    return (el.innerHTML = h);
  }
  el.className = '';
  const results = report.results ?? [];
  const ok = results.filter((r) => r.status === 'ok' || r.status == null);
  h += `<div class="kpis">${kpi('models', report.models?.length ?? 0)}${kpi('tasks', report.tasks?.length ?? 0)}${kpi('results', results.length)}${kpi('failed / no data', `${results.filter((r) => r.status === 'failed').length} / ${results.filter((r) => r.status === 'no_data').length}`)}</div>`;
  const bpb = ok.filter((r) => /^(bpb|bits_per_byte)$/i.test(r.metric));
  if (bpb.length) {
    const langs = [...new Set(bpb.map((r) => r.lang))].sort();
    const models = [...new Set(bpb.map((r) => r.model))];
    const get = (m, l) => {
      const xs = bpb.filter((r) => r.model === m && r.lang === l);
      return xs.length ? xs.reduce((a, r) => a + r.value, 0) / xs.length : null;
    };
    h += `<h3>Bits per byte per language (lower is better)</h3>${bars(
      langs,
      models.map((m, i) => ({ name: m, color: PALETTE[i % 8], values: langs.map((l) => get(m, l)) })),
      { digits: 3 },
    )}`;
  }
  const q = report.quant ?? [];
  if (q.length) {
    const langs = [...new Set(q.map((r) => r.lang))].sort();
    const models = [...new Set(q.map((r) => r.model))];
    const metric = q.some((r) => r.kld_mean != null) ? 'kld_mean' : 'ppl_ratio';
    h += `<h3>Quantization cost per language: ${metric === 'kld_mean' ? 'mean KL divergence to the base model (nats/token)' : 'perplexity ratio'}</h3>`;
    h += heatmap(langs, models, (l, m) => q.find((r) => r.lang === l && r.model === m)?.[metric] ?? null, { label: 'language', digits: metric === 'kld_mean' ? 4 : 3 });
    h += `<div class="legend">base: ${esc([...new Set(q.map((r) => r.base))].join(', '))}; top-1 agreement and p99 on hover in the table below.</div>`;
    h += `<details><summary>All quantization rows</summary><table><tr><th>model</th><th>base</th><th>lang</th><th class="num">KLD mean</th><th class="num">median</th><th class="num">p99</th><th class="num">top-1</th><th class="num">ppl ratio</th><th class="num">tokens</th></tr>${q.map((r) => `<tr><td>${esc(r.model)}</td><td>${esc(r.base)}</td><td>${esc(r.lang)}</td><td class="num">${fmt(r.kld_mean, 5)}</td><td class="num">${fmt(r.kld_median, 5)}</td><td class="num">${fmt(r.kld_p99, 5)}</td><td class="num">${fmt(r.top1, 4)}</td><td class="num">${fmt(r.ppl_ratio, 4)}</td><td class="num">${fmt(r.n_tokens)}</td></tr>`).join('')}</table></details>`;
  }
  const other = ok.filter((r) => !/^(bpb|bits_per_byte)$/i.test(r.metric));
  if (other.length) {
    const keys = [...new Set(other.map((r) => `${r.task} · ${r.metric}`))];
    const models = [...new Set(other.map((r) => r.model))];
    for (const k of keys.slice(0, 6)) {
      const rows = other.filter((r) => `${r.task} · ${r.metric}` === k);
      const langs = [...new Set(rows.map((r) => r.lang))].sort();
      h += `<h3>${esc(k)}</h3>${bars(
        langs,
        models.map((m, i) => ({ name: m, color: PALETTE[i % 8], values: langs.map((l) => rows.find((r) => r.model === m && r.lang === l)?.value ?? null) })),
        { digits: 3 },
      )}`;
    }
  }
  const bad = results.filter((r) => r.status === 'failed' || r.status === 'no_data');
  if (bad.length)
    h += `<details><summary>${bad.length} results without a value</summary><table>${bad.map((r) => `<tr><td>${esc(r.model)}</td><td>${esc(r.task)}</td><td>${esc(r.lang)}</td><td>${esc(r.status)}</td><td>${esc(r.error ?? '')}</td></tr>`).join('')}</table></details>`;
  el.innerHTML = h;
}

async function showRelease(run) {
  const el = $('release-body');
  if (!run.runDir) return (el.innerHTML = '<div class="empty">No release: serving model files.</div>');
  const { release } = await api('/api/release');
  el.className = '';
  if (!release)
    return (el.innerHTML = '<p><span class="pill warn">no release yet</span> this run has no <code>release/</code>; <code>oellm release</code> (or the release stage of <code>oellm build</code>) writes the documents and their checksums.</p>');
  el.className = '';
  const badge = {
    ok: '<span class="pill ok">✓ sha256 ok</span>',
    mismatch: '<span class="pill bad">✗ sha256 mismatch</span>',
    missing: '<span class="pill bad">✗ missing</span>',
    unlisted: '<span class="pill warn">not in SHA256SUMS</span>',
    signed: '<span class="pill ok">signed manifest</span>',
  };
  let h = `<p>${release.verified ? '<span class="pill ok" id="release-verdict">verified: signature, checksums, schemas, commitment</span>' : `<span class="pill bad" id="release-verdict">${release.sha256sums.present ? 'verification failed' : 'no SHA256SUMS'}</span>`} &nbsp; signature: ${esc(release.signature)}</p>`;
  // The audit module's checks, as `oellm audit verify` prints them (no data, no vault key here).
  const checks = release.audit?.checks ?? [];
  if (checks.length)
    h += `<table id="release-checks"><tr><th>check</th><th>result</th><th>detail</th></tr>${checks.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.ok ? '<span class="pill ok">✓ ok</span>' : '<span class="pill bad">✗ failed</span>'}</td><td class="mono">${esc(c.detail)}</td></tr>`).join('')}</table><p class="legend">The data and the vault are checked by <code>${esc(release.verify_command ?? 'oellm audit verify')}</code>.</p>`;
  h += '<table id="release-table"><tr><th>file</th><th class="num">size</th><th>status</th></tr>';
  for (const f of release.files) h += `<tr><td class="mono">${esc(f.path)}</td><td class="num">${f.status === 'missing' ? '–' : bytes(f.bytes)}</td><td>${badge[f.status]}</td></tr>`;
  el.innerHTML = h + '</table>';
}

// ---------- playground ----------
const tip = $('tip');
function tokenSpan(text, info) {
  const s = document.createElement('span');
  s.textContent = text;
  if (info) {
    const p = Math.exp(info.logprob);
    s.className = 'tok';
    s.style.background = `hsl(${Math.round(130 * p)} 65% ${85 - 5 * p}%)`;
    s.dataset.p = String(p);
    s.addEventListener('mouseenter', (e) => {
      tip.innerHTML = `<b>${esc(JSON.stringify(info.token))}</b> p = ${(p * 100).toFixed(2)}% (logprob ${info.logprob.toFixed(3)})<table>${info.top.map((t) => `<tr><td>${esc(JSON.stringify(t.token))}</td><td>${(Math.exp(t.logprob) * 100).toFixed(2)}%</td></tr>`).join('')}</table>`;
      tip.style.display = 'block';
      tip.style.left = `${Math.min(window.innerWidth - 330, e.clientX + 12)}px`;
      tip.style.top = `${e.clientY + 14}px`;
    });
    s.addEventListener('mouseleave', () => (tip.style.display = 'none'));
  }
  return s;
}

let controller = null;
async function generate() {
  const mode = $('pg-mode').value,
    model = $('pg-model').value,
    prompt = $('pg-prompt').value;
  const seed = $('pg-seed').value;
  const body = { model, stream: true, stream_options: { include_usage: true }, temperature: Number($('pg-temp').value), top_p: Number($('pg-topp').value), max_tokens: Number($('pg-max').value), ...(seed !== '' ? { seed: Number(seed) } : {}) };
  const out = $('pg-out');
  out.innerHTML = '';
  if (mode === 'chat') Object.assign(body, { messages: [{ role: 'user', content: prompt }], logprobs: true, top_logprobs: 5 });
  else {
    Object.assign(body, { prompt, logprobs: 5 });
    const p = document.createElement('span');
    p.className = 'prompt';
    p.textContent = prompt;
    out.append(p);
  }
  controller = new AbortController();
  $('pg-go').disabled = true;
  $('pg-stop').disabled = false;
  $('pg-status').textContent = 'waiting for the first token…';
  const t0 = performance.now();
  let first = 0,
    n = 0;
  try {
    const r = await fetch(mode === 'chat' ? '/v1/chat/completions' : '/v1/completions', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers() }, body: JSON.stringify(body), signal: controller.signal });
    if (!r.ok) throw new Error((await r.json().catch(() => null))?.error?.message ?? `HTTP ${r.status}`);
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = '',
      usage = null,
      finish = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const ev = buf.slice(0, i).trim();
        buf = buf.slice(i + 2);
        if (!ev.startsWith('data:')) continue;
        const data = ev.slice(5).trim();
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message);
        if (chunk.usage) usage = chunk.usage;
        for (const c of chunk.choices ?? []) {
          finish = c.finish_reason ?? finish;
          let text,
            info = null;
          if (mode === 'chat') {
            text = c.delta?.content ?? '';
            const lp = c.logprobs?.content?.[0];
            if (lp) info = { token: lp.token, logprob: lp.logprob, top: lp.top_logprobs };
          } else {
            text = c.text ?? '';
            const lp = c.logprobs;
            if (lp?.tokens?.length) info = { token: lp.tokens[0], logprob: lp.token_logprobs[0], top: Object.entries(lp.top_logprobs[0] ?? {}).map(([token, logprob]) => ({ token, logprob })) };
          }
          if (info) n++;
          if (!text && !info) continue;
          if (!first) first = performance.now();
          out.append(tokenSpan(text, info));
        }
      }
    }
    const secs = (performance.now() - t0) / 1000;
    $('pg-status').textContent =
      `${n} tokens in ${secs.toFixed(2)} s · first token after ${((first - t0) / 1000).toFixed(3)} s · finish: ${finish ?? '–'}${usage ? ` · usage: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} generated` : ''}`;
  } catch (e) {
    $('pg-status').textContent = e.name === 'AbortError' ? 'stopped (the server cancels the generation)' : `error: ${e.message}`;
  } finally {
    $('pg-go').disabled = false;
    $('pg-stop').disabled = true;
    controller = null;
  }
}

// ---------- start ----------
async function health() {
  const r = await fetch('/health').catch(() => null);
  const h = $('health');
  if (r?.ok) {
    h.className = 'pill ok';
    h.textContent = 'healthy';
    return true;
  }
  h.className = 'pill warn';
  h.textContent = r ? 'loading models…' : 'server unreachable';
  return false;
}

async function start() {
  const info = await api('/api/info');
  $('subtitle').textContent = `oellm ${info.version} · ${info.limits.parallel} parallel sequences · ${info.limits.threads} thread(s) · queue ${info.limits.queue}`;
  if (info.auth && !apiKey) {
    $('auth').hidden = false;
    return;
  }
  while (!(await health())) await new Promise((r) => setTimeout(r, 1000));
  let run;
  try {
    run = await api('/api/run');
  } catch (e) {
    if (e.status === 401) {
      $('auth').hidden = false;
      return;
    }
    throw e;
  }
  $('pg-model').innerHTML = run.models.map((m) => `<option>${esc(m.id)}</option>`).join('');
  await showRun(run);
  showData(run);
  await Promise.all([showTrain(run), showEval(run), showRelease(run)].map((p) => p.catch((e) => console.error(e))));
  document.body.dataset.ready = 'true';
}

$('keysave').addEventListener('click', () => {
  apiKey = $('key').value.trim();
  localStorage.setItem('oellm-key', apiKey);
  $('auth').hidden = true;
  start();
});
$('pg-go').addEventListener('click', generate);
$('pg-stop').addEventListener('click', () => controller?.abort());
$('pg-temp').addEventListener('input', () => ($('pg-temp-v').textContent = $('pg-temp').value));
start().catch((e) => {
  $('subtitle').textContent = `error: ${e.message}`;
});
