import pg from 'pg';
import { PG_URL } from './app.js';

/**
 * Transactions PostgreSQL counted in one database so far (`xact_commit + xact_rollback` of
 * pg_stat_database), read from another database so the reading itself is not counted.
 * Backends flush their counts when they go idle (at most once a second, and within about
 * 10 s of going idle), so a window should be much longer than that.
 */
export async function transactionsOf(database: string): Promise<number> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await c.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}
