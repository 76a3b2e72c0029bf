// Progress reporting: cli-progress bars on a terminal; on anything else (CI, Slurm, pipes) one
// structured log line per bar at most every `intervalMs` and at the end. Not a logger (log.ts).
// Reference: cli-progress MultiBar.
import cliProgress from 'cli-progress';
import type { Logger } from './log.js';

export interface Bar {
  /** Sets the absolute value (and optional extra fields shown / logged). */
  update(value: number, payload?: Record<string, number | string>): void;
  increment(n?: number, payload?: Record<string, number | string>): void;
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Bars on a terminal; defaults to process.stderr.isTTY (and not OELLM_LOG=json). */
  tty?: boolean;
  /** Where progress lines go when there is no terminal. */
  logger: Logger;
  intervalMs?: number;
}

export class Progress {
  private readonly tty: boolean;
  private readonly multi: cliProgress.MultiBar | undefined;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private stopped = false;
  private bars = 0;

  constructor(opts: ProgressOptions) {
    this.tty = opts.tty ?? (!!process.stderr.isTTY && process.env.OELLM_LOG !== 'json');
    this.logger = opts.logger;
    this.intervalMs = opts.intervalMs ?? 10_000;
    if (this.tty) {
      this.multi = new cliProgress.MultiBar({ format: ' {name} |{bar}| {value}/{total} {unit} {extra}', hideCursor: true, clearOnComplete: false, stopOnComplete: false, stream: process.stderr }, cliProgress.Presets.shades_classic);
    }
  }

  bar(name: string, total: number, unit: string): Bar {
    const fmt = (p?: Record<string, number | string>) =>
      p
        ? Object.entries(p)
            .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
            .join(' ')
        : '';
    if (this.multi) {
      this.bars++;
      const b = this.multi.create(total, 0, { name: name.padEnd(8), unit, extra: '' });
      return {
        update: (v, p) => b.update(v, { extra: fmt(p) }),
        increment: (n = 1, p) => b.increment(n, { extra: fmt(p) }),
        setTotal: (t) => b.setTotal(t),
        stop: () => b.stop(),
      };
    }
    let value = 0;
    let last = 0;
    let extra: Record<string, number | string> = {};
    let tot = total;
    const emit = (force: boolean) => {
      const now = Date.now();
      if (!force && now - last < this.intervalMs) return;
      last = now;
      this.logger.info('progress', { bar: name, value, total: tot, unit, ...extra });
    };
    return {
      update: (v, p) => {
        value = v;
        if (p) extra = p;
        emit(false);
      },
      increment: (n = 1, p) => {
        value += n;
        if (p) extra = p;
        emit(false);
      },
      setTotal: (t) => {
        tot = t;
      },
      stop: () => emit(true),
    };
  }

  /** Writes a log line without tearing the bars (above them on a terminal). */
  write(line: string): void {
    const l = line.endsWith('\n') ? line : line + '\n';
    // Before the first bar the MultiBar never renders, so its log buffer would never flush.
    if (this.multi && !this.stopped && this.bars > 0) this.multi.log(l);
    else process.stderr.write(l);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Lines logged since the last render would be lost: stop() draws the bars, not the buffer.
    const pending = (this.multi as unknown as { loggingBuffer?: string[] } | undefined)?.loggingBuffer?.splice(0) ?? [];
    this.multi?.stop();
    for (const l of pending) process.stderr.write(l);
  }
}
