/**
 * The one error vocabulary of the server: domain code throws `AppError` with a code, and
 * `trpc/errors.ts` maps codes to tRPC codes and HTTP statuses in one place.
 */
export type AppErrorCode =
  | 'BAD_INPUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'METHOD_NOT_ALLOWED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** A failure a client should hear about: `code` picks the status, `message` is shown as is. */
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

/**
 * The 404 for a read or report naming a tenant none of whose entities has reported: one
 * message for every endpoint (`tenantName: no tenant "Nope"`).
 */
export const unknownTenant = (tenantName: string): AppError =>
  new AppError('NOT_FOUND', `tenantName: no tenant ${JSON.stringify(tenantName)}`);

/**
 * What kind of PostgreSQL trouble an error is, walking its `cause` chain:
 * - `unreachable`: connection refused, reset, closed or timed out; the server shutting down
 *   (SQLSTATE 57P01–57P03); connection exceptions (class 08).
 * - `busy`: the server is up but cannot take the work now: no pool connection became free
 *   in time (knex's acquire timeout), a lock wait hit `lock_timeout` (55P03), or the server
 *   is out of connections or resources (class 53).
 * - null: anything else (a data error, a bug), which is not the dependency's fault.
 * A pool that cannot open any connection also times out acquiring: `db/sql.ts` tells the
 * two apart by whether the pool's connections were all lent out.
 */
export function databaseTrouble(err: unknown): 'unreachable' | 'busy' | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailable) return e.trouble;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^(55P03|53\d{3})$/.test(code)) return 'busy';
    if (isPoolTimeout(e)) return 'busy';
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[1-3]|08\d{3})$/.test(code)
    )
      return 'unreachable';
    if (
      typeof message === 'string' &&
      /Connection terminated|connection is closed|Client has encountered a connection error|Transaction query already complete|^timeout expired$/i.test(
        message,
      )
    )
      return 'unreachable';
  }
  return null;
}

/** True for knex's "Timeout acquiring a connection" (no pool connection became free in time). */
export function isPoolTimeout(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  return name === 'KnexTimeoutError' || (typeof message === 'string' && /Timeout acquiring a connection/.test(message));
}

/**
 * True for errors that mean "PostgreSQL cannot take this request right now" (unreachable
 * or busy, see `databaseTrouble`): the request's work did not happen because of the
 * dependency, and a retry later may succeed.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseTrouble(err) !== null;
}

/**
 * PostgreSQL could not serve a request (see `databaseTrouble`): a 503 whose Retry-After
 * is short when the server is merely busy. `db/sql.ts` throws it for every query and
 * transaction, so each caller answers 503 without a mapping of its own; the original
 * error is the `cause`.
 */
export class DatabaseUnavailable extends AppError {
  constructor(
    readonly trouble: 'unreachable' | 'busy',
    cause: unknown,
  ) {
    super(
      'UNAVAILABLE',
      trouble === 'busy'
        ? 'PostgreSQL is busy (no connection became free in time); retry shortly'
        : 'PostgreSQL is unavailable; retry shortly',
      trouble === 'busy' ? 1 : 2,
      { cause },
    );
    this.name = 'DatabaseUnavailable';
  }
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
