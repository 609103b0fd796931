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
