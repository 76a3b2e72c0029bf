// datatrove's Gopher repetition n-gram code, ported literally (string-joined n-grams in a Counter /
// set): the reference that src/data/filters/quality.ts's hashed implementation must agree with, used
// by its test and by bench/dedup. Not used by the pipeline. Reference: datatrove
// filters/gopher_repetition_filter.py.
export function datatroveRepetition(text: string): Record<string, number> {
  const ws = text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]+/gu) ?? [];
  const out: Record<string, number> = {};
  for (const n of [2, 3, 4]) {
    if (ws.length < n) continue;
    const c = new Map<string, number>();
    for (let i = 0; i + n <= ws.length; i++) {
      const g = ws.slice(i, i + n).join(' ');
      c.set(g, (c.get(g) ?? 0) + 1);
    }
    let best = 0;
    let bestG = '';
    for (const [g, k] of c) {
      if (k > best) {
        best = k;
        bestG = g;
      }
    }
    out[`top_${n}_gram_frac`] = Math.round(((bestG.length * best) / text.length) * 1e4) / 1e4;
  }
  for (let n = 5; n <= 10; n++) {
    const seen = new Set<string>();
    let chars = 0;
    let i = 0;
    while (i + n <= ws.length) {
      const g = ws.slice(i, i + n).join('');
      if (seen.has(g)) {
        chars += g.length;
        i += n;
      } else {
        seen.add(g);
        i++;
      }
    }
    out[`dup_${n}_gram_frac`] = Math.round((chars / text.length) * 1e4) / 1e4;
  }
  return out;
}
