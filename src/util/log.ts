// Structured logging for long-running commands: one JSON object per line on stderr when stderr
// is not a terminal (CI, Slurm logs, pipes), short human lines on a terminal. Not a progress
// display (progress.ts) and not command output (cli/output.ts prints results on stdout).
// OELLM_LOG=json|human forces the format; OELLM_LOG_LEVEL=debug|info|warn|error filters.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (e.g. `{stage, rank}`). */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  json?: boolean;
  level?: Level;
  /** Where lines go; defaults to process.stderr. */
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const env = process.env.OELLM_LOG;
  const json = opts.json ?? (env === 'json' ? true : env === 'human' ? false : !process.stderr.isTTY);
  const envLevel = process.env.OELLM_LOG_LEVEL as Level | undefined;
  const min = ORDER[opts.level ?? (envLevel && envLevel in ORDER ? envLevel : 'info')];
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const make = (base: Record<string, unknown>): Logger => {
    const log = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
      if (ORDER[level] < min) return;
      const all = { ...base, ...fields };
      if (json) {
        write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...all }) + '\n');
      } else {
        const kv = Object.entries(all)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        write(`${level === 'info' ? '' : `${level}: `}${msg}${kv ? `  ${kv}` : ''}\n`);
      }
    };
    return {
      log,
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (f) => make({ ...base, ...f }),
    };
  };
  return make(opts.fields ?? {});
}

/** A logger that drops everything (library calls without a logger). */
export const silentLogger: Logger = createLogger({ write: () => {}, level: 'error', json: true });
