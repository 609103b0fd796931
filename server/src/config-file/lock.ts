import pg from 'pg';
import { AppError } from '../platform/errors.js';

/** Runs one job at a time across the fleet; a second caller waits for the first to finish. */
export type FleetLock = { run<T>(job: () => Promise<T>): Promise<T> };

/** An arbitrary constant of its own (migrations hold 7_231_001, the report closer 7_231_002). */
export const CONFIG_FILE_LOCK = 7_231_003;
/** Longest a reload waits for another pod's apply before answering 503. */
const WAIT_MS = 30_000;

/** A connection of its own whose statements (the lock wait) give up after WAIT_MS. */
async function lockConnection(databaseUrl: string): Promise<pg.Client> {
  const c = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: 2_000,
    statement_timeout: WAIT_MS,
  });
  // A lost connection frees the lock; the job's own queries report the trouble.
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/**
 * A PostgreSQL session advisory lock (`pg_advisory_lock`, keyed by the schema) on a
 * connection of its own for the length of the job. Unlike the report closer's try-lock, a
 * second pod waits: it then plans against what the first applied and finds nothing to do, so
 * a file is applied once however many pods start or reload together. A pod that dies frees
 * the lock with its connection.
 * @throws AppError UNAVAILABLE (503, Retry-After 5) when the lock is not had within 30 s.
 */
export function pgFleetLock(databaseUrl: string, schema: string | undefined): FleetLock {
  return {
    async run(job) {
      const client = await lockConnection(databaseUrl);
      try {
        await client
          .query('SELECT pg_advisory_lock($1, hashtext($2))', [CONFIG_FILE_LOCK, schema ?? 'public'])
          .catch((err: unknown) => {
            throw new AppError('UNAVAILABLE', 'Another pod is still applying the rules file; retry shortly', 5, {
              cause: err,
            });
          });
        return await job();
      } finally {
        await client.end().catch(() => undefined); // ending the session releases the lock
      }
    },
  };
}

/** One process (the embedded database): jobs queue behind each other in memory. */
export function localFleetLock(): FleetLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(job) {
      const next = tail.then(job, job);
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
