// OpenAI-style API errors: `{error: {message, type, param, code}}` with an HTTP status, and the
// conversion of a zod failure into one 400 that names the offending field. Not the CLI's
// OellmError (that is for bad commands and files at start-up, src/util/errors.ts).
// Reference: OpenAI API error object (platform.openai.com/docs/guides/error-codes).
import type { ZodError } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status === 400 ? 'invalid_request_error' : status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : 'server_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null): ApiError => new ApiError(400, message, 'invalid_request_error', param, code);

/** The first zod issue as one 400: `param` is its dotted path, the message says what was expected. */
export function fromZod(e: ZodError): ApiError {
  const issue = e.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more problem${e.issues.length > 2 ? 's' : ''})` : '';
  return badRequest(`${param ? `'${param}': ` : ''}${issue.message}${more}`, param, issue.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_value');
}
