// A grouped horizontal bar chart as a standalone SVG: one group per language (a row), one bar
// per model in a colour-blind-safe palette (Okabe–Ito), the value printed at the end of each
// bar, a legend and gridlines; missing values are marked "no data". Not a charting library.
// Reference: SVG 1.1; Okabe & Ito (2008) colour palette.

export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export interface ChartInput {
  title: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A "nice" axis maximum: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function barChart(c: ChartInput): string {
  const bar = 12;
  const gap = 8;
  const left = 56;
  const plotW = 560;
  const legendH = 22 * Math.ceil(c.series.length / 3);
  const top = 40 + legendH;
  const groupH = c.series.length * bar + gap;
  const height = top + c.categories.length * groupH + 36;
  const width = left + plotW + 80;
  const max = niceMax(Math.max(0, ...c.series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const x = (v: number): number => left + (Math.max(0, v) / max) * plotW;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`);
  o.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  o.push(`<text x="${left}" y="22" font-size="15" font-weight="600" fill="#222">${esc(c.title)}</text>`);
  c.series.forEach((s, i) => {
    const lx = left + (i % 3) * 200;
    const ly = 34 + Math.floor(i / 3) * 22;
    o.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${lx + 18}" y="${ly + 10}" fill="#222">${esc(s.name)}</text>`);
  });
  for (let k = 0; k <= 5; k++) {
    const v = (max * k) / 5;
    const gx = x(v);
    o.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 30}" stroke="#e4e4e4"/><text x="${gx}" y="${height - 14}" text-anchor="middle" fill="#555">${+v.toPrecision(3)}</text>`);
  }
  c.categories.forEach((cat, gi) => {
    const gy = top + gi * groupH;
    o.push(`<text x="${left - 8}" y="${gy + (c.series.length * bar) / 2 + 4}" text-anchor="end" fill="#222" font-weight="500">${esc(cat)}</text>`);
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      const y = gy + si * bar;
      if (v === null || v === undefined) {
        o.push(`<text x="${left + 4}" y="${y + bar - 3}" fill="#999" font-size="10">no data</text>`);
        return;
      }
      o.push(`<rect x="${left}" y="${y}" width="${Math.max(0.5, x(v) - left).toFixed(1)}" height="${bar - 2}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${cat} · ${s.name}: ${v}`)}</title></rect>`);
      o.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + bar - 3}" fill="#333" font-size="10">${v.toFixed(Math.abs(v) < 10 ? 3 : 1)}</text>`);
    });
  });
  o.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${height - 30}" stroke="#888"/>`);
  o.push('</svg>');
  return o.join('\n') + '\n';
}
