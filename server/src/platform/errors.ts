/**
 * The one error vocabulary of the server: domain code throws `AppError` with a code, and
 * `trpc/errors.ts` maps codes to tRPC codes and HTTP statuses in one place.
 */
export type AppErrorCode =
  | 'BAD_INPUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export class AppError extends Error {
  /**
   * @param code what kind of failure (mapped to a status in trpc/errors.ts)
   * @param message shown to the client as is: name the problem and what to do
   * @param retryAfterSeconds sent as `Retry-After` (429, 503)
   */
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** True for errors that mean "PostgreSQL cannot be reached right now". */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[1-3]|08\d{3})$/.test(code)
    )
      return true;
    if (
      typeof message === 'string' &&
      /Connection terminated|Knex: Timeout acquiring a connection|connection is closed|Client has encountered a connection error|Transaction query already complete|^timeout expired$/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

/** SQLSTATE of the first error in the cause chain that carries one. */
function sqlState(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * A PostgreSQL data exception (SQLSTATE class 22: a value it cannot store or convert, such
 * as NUL in text or a date out of range) as a 400, or null for any other error. The last
 * line of defence behind input validation: the client sent the value, so it is a bad
 * request, not a server fault; the message names the class and never carries SQL text.
 * Source: PostgreSQL, Appendix A "PostgreSQL Error Codes".
 */
export function dataExceptionAsBadInput(err: unknown): AppError | null {
  const state = sqlState(err);
  if (!state?.startsWith('22')) return null;
  return new AppError(
    'BAD_INPUT',
    `PostgreSQL cannot store a value of this request (SQLSTATE ${state}, a data exception): check text for control characters or invalid Unicode and dates for their range. Nothing was written.`,
    undefined,
    { cause: err },
  );
}
