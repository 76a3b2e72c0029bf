// Shared CLI output helpers: JSON vs human tables, and an aligned text table.
// Not a logger (see util/log.ts) and not a progress bar (util/progress.ts).

/** Prints `value` as pretty JSON when `json`, else calls `human()`. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human());
}

/** Left-aligned text table; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtNum(c) : c)))];
  const w = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[], isNum: boolean[]) =>
    r
      .map((c, i) => (isNum[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  const numCols = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return (
    [
      line(
        header,
        header.map(() => false),
      ),
      w.map((n) => '-'.repeat(n)).join('  '),
      ...cells.slice(1).map((r) => line(r, numCols)),
    ].join('\n') + '\n'
  );
}

export function fmtNum(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? n.toFixed(1) : Math.abs(n) >= 1 ? n.toFixed(3) : n.toPrecision(3);
}
