import type { Logger } from 'pino';
import { throttleFor } from '../platform/log-throttle.js';

/** knex's `log` option: where its warnings go instead of `console.log`. */
export type KnexLog = {
  warn: (message: unknown) => void;
  error: (message: unknown) => void;
  deprecate: (message: unknown) => void;
  debug: (message: unknown) => void;
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what this strips.
const ANSI = /\u001b\[[0-9;]*m/g;

/** knex prefixes a failed query's error with its SQL: `<sql> - <message>`. Only the message is kept. */
const lastPart = (text: string) => {
  const at = text.lastIndexOf(' - ');
  return at < 0 ? text : text.slice(at + 3);
};

/**
 * The database driver's own log lines, through the JSON logger: knex prints plain text
 * to stdout (`Connection Error: Error: SELECT … - Connection terminated`) once per dead
 * pooled connection, which breaks JSON log parsing and carries SQL. Here each becomes a
 * JSON line without the SQL, and repeats are summarised (one line, then a count per
 * minute) so an outage costs a few lines, not one per connection.
 */
export function driverLogs(log: Logger): { knex: KnexLog; mikroOrm: (message: string) => void } {
  const throttle = throttleFor(log);
  const text = (m: unknown) => (typeof m === 'string' ? m : m instanceof Error ? m.message : String(m));
  return {
    knex: {
      warn: (m) => {
        const t = text(m);
        const lost = /^Connection Error: /.exec(t);
        if (lost)
          throttle.warn('db-connection', { err: lastPart(t.slice(lost[0].length)) }, 'database connection lost');
        else throttle.warn(`knex:${t.slice(0, 40)}`, { detail: lastPart(t) }, 'database driver warning');
      },
      error: (m) =>
        throttle.error(`knex:${text(m).slice(0, 40)}`, { detail: lastPart(text(m)) }, 'database driver error'),
      deprecate: (m) => log.debug({ detail: text(m) }, 'database driver deprecation'),
      debug: (m) => log.debug({ detail: lastPart(text(m)) }, 'database driver'),
    },
    mikroOrm: (m) => {
      const t = m.replace(ANSI, '');
      throttle.warn(`orm:${t.slice(0, 40)}`, { detail: lastPart(t) }, 'database orm message');
    },
  };
}

type QueryError = { message?: unknown; stack?: unknown };

/**
 * Listener for knex's `query-error` event: takes the SQL text back out of the error knex
 * just prefixed with it (with `compileSqlOnError: false` the prefix is exactly the query
 * sent), so errors that reach logs and responses say what went wrong without the
 * statement and its bound values. It runs before the error is thrown on.
 */
export function stripSqlFromError(err: QueryError, query: { sql?: unknown }): void {
  if (typeof query.sql !== 'string') return;
  const prefix = `${query.sql} - `;
  if (typeof err.message === 'string' && err.message.startsWith(prefix)) err.message = err.message.slice(prefix.length);
  if (typeof err.stack === 'string') err.stack = err.stack.replace(prefix, '');
}
