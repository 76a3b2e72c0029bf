// Prometheus text exposition for the server: counters and gauges with labels, and cumulative
// histograms. A small registry of exactly what /metrics shows (requests by route and status,
// queue depth, tokens, latencies, limits). Not a client library.
// Reference: Prometheus exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats).

type Labels = Record<string, string>;
const key = (l: Labels): string =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}="${String(l[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Map<string, number>;
  buckets?: number[];
  hist?: Map<string, { counts: number[]; sum: number; count: number }>;
  collect?: () => [Labels, number][];
}

export class Metrics {
  private readonly fams = new Map<string, Family>();

  counter(name: string, help: string): void {
    this.fams.set(name, { help, type: 'counter', values: new Map() });
  }
  /** A gauge whose values are read when /metrics is scraped. */
  gauge(name: string, help: string, collect: () => [Labels, number][]): void {
    this.fams.set(name, { help, type: 'gauge', values: new Map(), collect });
  }
  histogram(name: string, help: string, buckets: number[]): void {
    this.fams.set(name, { help, type: 'histogram', values: new Map(), buckets, hist: new Map() });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.fams.get(name)!;
    const k = key(labels);
    f.values.set(k, (f.values.get(k) ?? 0) + by);
  }
  observe(name: string, labels: Labels, v: number): void {
    const f = this.fams.get(name)!;
    const k = key(labels);
    let h = f.hist!.get(k);
    if (!h) f.hist!.set(k, (h = { counts: f.buckets!.map(() => 0), sum: 0, count: 0 }));
    f.buckets!.forEach((b, i) => {
      if (v <= b) h!.counts[i]!++;
    });
    h.sum += v;
    h.count++;
  }
  /** Current value of a counter series (for tests and the dashboard). */
  get(name: string, labels: Labels = {}): number {
    return this.fams.get(name)?.values.get(key(labels)) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.fams) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      const series = f.collect ? f.collect().map(([l, v]) => [key(l), v] as const) : [...f.values];
      for (const [k, v] of series) out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
      if (f.hist) {
        for (const [k, h] of f.hist) {
          const pre = k ? `${k},` : '';
          f.buckets!.forEach((b, i) => out.push(`${name}_bucket{${pre}le="${b}"} ${h.counts[i]}`));
          out.push(`${name}_bucket{${pre}le="+Inf"} ${h.count}`, `${name}_sum${k ? `{${k}}` : ''} ${h.sum}`, `${name}_count${k ? `{${k}}` : ''} ${h.count}`);
        }
      }
    }
    return out.join('\n') + '\n';
  }
}

export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
