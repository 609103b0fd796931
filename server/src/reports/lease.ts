import pg from 'pg';

/**
 * Runs a job on at most one pod at a time. `tryRun` runs `job` when this pod gets the
 * lock and answers `{ ran: false }` at once when another pod holds it.
 */
export type RunLock = {
  tryRun<T>(job: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
};

/** An arbitrary constant: the advisory lock of the report closer (the migration lock is 7_231_001). */
export const REPORT_CLOSER_LOCK = 7_231_002;

/**
 * A PostgreSQL session advisory lock (`pg_try_advisory_lock`) taken on a connection of its
 * own for the length of the run, keyed by the schema so deployments sharing a database do
 * not wait for each other. A pod that dies mid-run loses its connection and with it the
 * lock. The lock saves duplicate work; correctness does not rest on it: snapshots are
 * inserted as "revision n+1 if absent" under the table's primary key, so even two runs
 * overlapping (a lock connection cut while its run goes on) write each revision once.
 */
export function pgRunLock(databaseUrl: string, schema: string | undefined): RunLock {
  return {
    async tryRun(job) {
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
      client.on('error', () => undefined); // a lost connection frees the lock; the run's own queries report trouble
      await client.connect();
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
          REPORT_CLOSER_LOCK,
          schema ?? 'public',
        ]);
        if (!rows[0]?.ok) return { ran: false };
        return { ran: true, value: await job() };
      } finally {
        // Ending the session releases its advisory locks.
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** One process only (the embedded database): a flag instead of a database lock. */
export function localRunLock(): RunLock {
  let busy = false;
  return {
    async tryRun(job) {
      if (busy) return { ran: false };
      busy = true;
      try {
        return { ran: true, value: await job() };
      } finally {
        busy = false;
      }
    },
  };
}
