import type { Logger } from 'pino';
import { backoffMs, sleep } from '../platform/backoff.js';
import { redactUrl } from '../platform/log.js';
import { DatabaseGate } from './gate.js';
import { type DbConfig, migrate, openOrm } from './orm.js';
import { type Db, sqlRunner } from './sql.js';

/** Retry bounds while PostgreSQL cannot be reached at start (seconds: 1, 2, 4, then every 5: a connect attempt costs little, and a pod should take writes soon after PostgreSQL returns). */
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 5_000;

export type DatabaseConnection = {
  /** Every query goes through it; it answers 503 until PostgreSQL was reached and migrated. */
  gate: DatabaseGate;
  /** Resolves once the database is open and migrated (never rejects; see `connectDatabase`). */
  opened: Promise<void>;
  /**
   * Resolves when the first connection attempt has finished, reached or not: a starting pod
   * waits for this (bounded), not for `opened`, before choosing where to load its view from —
   * so a refused PostgreSQL costs no wait at all.
   */
  firstAttempt: Promise<void>;
  /** Stops retrying and closes the database if it was opened. */
  close(): Promise<void>;
};

/**
 * Opens the database and applies migrations behind a gate, so the rest of the pod can be
 * wired and serve before PostgreSQL is reached. PostgreSQL (`databaseUrl` set) is retried
 * with backoff until it answers — refused, black-holed or not resolvable — each failure
 * logged as one line naming the host and the error, no stack trace; `onOpen` runs once it
 * is open and migrated (a failure there is retried too). The embedded database is local:
 * its failures (its data directory held by another process) reject `opened`, and the
 * caller exits.
 */
export function connectDatabase(cfg: DbConfig, log: Logger, onOpen: (db: Db) => Promise<void>): DatabaseConnection {
  const gate = new DatabaseGate();
  const stop = new AbortController();
  let closeOrm: (() => Promise<void>) | null = null;
  let firstAttemptDone!: () => void;
  const firstAttempt = new Promise<void>((resolve) => {
    firstAttemptDone = resolve;
  });
  const attempt = async () => {
    try {
      await openAndMigrate();
    } catch (err) {
      gate.misconfigured = misconfiguration(err);
      throw err;
    } finally {
      firstAttemptDone();
    }
  };
  const openAndMigrate = async () => {
    const { orm, close } = await openOrm(cfg, log);
    closeOrm = close;
    try {
      await migrate(orm, cfg, log);
      const db = sqlRunner(orm);
      await onOpen(db);
      gate.open(db);
    } catch (err) {
      closeOrm = null;
      await close().catch(() => undefined);
      throw err;
    }
  };
  const opened = cfg.databaseUrl ? retrying(cfg.databaseUrl, attempt, stop.signal, log) : attempt();
  return {
    gate,
    opened,
    firstAttempt,
    close: async () => {
      stop.abort();
      await opened.catch(() => undefined);
      await closeOrm?.();
    },
  };
}

async function retrying(url: string, attempt: () => Promise<void>, stop: AbortSignal, log: Logger): Promise<void> {
  const host = hostOf(url);
  let lastError = '';
  for (let n = 1; !stop.aborted; n++) {
    try {
      await attempt();
      if (n > 1) log.info({ host, attempts: n }, 'PostgreSQL reached');
      return;
    } catch (err) {
      if (stop.aborted) return;
      const error = describe(err);
      const retryInMs = backoffMs(n, RETRY_BASE_MS, RETRY_CAP_MS);
      // One line per new kind of failure; repeats of the same one only at debug.
      const repeated = error === lastError;
      if (misconfiguration(err))
        log[repeated ? 'debug' : 'error'](
          { host, error, attempt: n, retryInMs },
          `PostgreSQL at ${host} refuses this pod's configuration (${error}): check DATABASE_URL; not ready until it is accepted, retrying`,
        );
      else
        log[repeated ? 'debug' : 'warn'](
          { host, error, attempt: n, retryInMs },
          `PostgreSQL at ${host} not reachable (${error}); retrying`,
        );
      lastError = error;
      await sleep(retryInMs, stop);
    }
  }
}

/**
 * SQLSTATEs by which a reachable PostgreSQL refuses this pod's configuration rather than
 * being away: class 28 (invalid authorization: wrong user or password, no pg_hba entry)
 * and 3D000 (the database does not exist). Source: PostgreSQL's errcodes appendix.
 */
const CONFIGURATION_ERRORS = /^(28\w{3}|3D000)$/;

/**
 * The one-line description of `err` when it says PostgreSQL refuses this pod's
 * configuration (see CONFIGURATION_ERRORS), else null: a pod so configured must not pass
 * readiness on Redis alone, or a rollout with a wrong `DATABASE_URL` would replace every
 * working pod with ones that can never take a write.
 */
export function misconfiguration(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFIGURATION_ERRORS.test(code) ? describe(err) : null;
}

/** `host:port` of a PostgreSQL URL, credentials left out. */
function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return redactUrl(url);
  }
}

/** The error's code and message on one line (no stack: the cause is the network, not the code). */
function describe(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message ? message : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
