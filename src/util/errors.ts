// The few error classes oellm throws. Each carries a machine-readable `code`, the file or
// record it concerns, and a `hint` that tells the user what to do. A rejected *document* is a
// drop reason, never an exception; these are for bad commands, configs and files.
// Reference: STYLE.md (errors like zod / hono: structured fields and a hint).

export interface ErrorFields {
  code?: string;
  /** File the problem is in. */
  file?: string;
  /** Byte offset or record index in that file. */
  offset?: number;
  /** What to do about it. */
  hint?: string;
  cause?: unknown;
}

export class OellmError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly offset?: number;
  readonly hint?: string;
  constructor(message: string, fields: ErrorFields = {}) {
    super(message, fields.cause !== undefined ? { cause: fields.cause } : undefined);
    this.name = 'OellmError';
    this.code = fields.code ?? 'E_OELLM';
    if (fields.file !== undefined) this.file = fields.file;
    if (fields.offset !== undefined) this.offset = fields.offset;
    if (fields.hint !== undefined) this.hint = fields.hint;
  }
  /** One human line (plus a hint line): `file:offset: message`. */
  format(): string {
    const where = this.file ? `${this.file}${this.offset !== undefined ? `@${this.offset}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** A configuration that fails validation; `issues` lists every problem with its path. */
export class ConfigError extends OellmError {
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[], file?: string) {
    super(`invalid configuration${file ? ` in ${file}` : ''}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`, {
      code: 'E_CONFIG',
      ...(file !== undefined ? { file } : {}),
      hint: 'fix the listed keys; `--help` of the command lists the flags, docs in README.md',
    });
    this.name = 'ConfigError';
    this.issues = issues;
  }
  override format(): string {
    return `${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** A file whose bytes are not what its format says (truncated, corrupt, wrong magic). */
export class FormatError extends OellmError {
  constructor(message: string, fields: ErrorFields & { expected?: string; found?: string } = {}) {
    const detail = fields.expected !== undefined ? ` (expected ${fields.expected}, found ${fields.found ?? '?'})` : '';
    super(message + detail, { code: 'E_FORMAT', ...fields });
    this.name = 'FormatError';
  }
}
