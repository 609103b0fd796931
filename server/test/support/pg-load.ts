import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from './app.js';

/** A database of its own (so its statistics count only what the test's pods do); `drop` removes it. */
export async function createTestDatabase(
  name: string,
): Promise<{ database: string; url: string; drop: () => Promise<void> }> {
  const database = `t_${name}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return { database, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

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
