import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from './app.js';

/** A PostgreSQL database made for one test file: its URL, its name, and `drop`. */
export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** Runs one statement as the admin user on the shared test server. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

/**
 * Creates a database of its own for a test (`t_<label>_<hex>`): database-wide figures
 * (`pg_stat_database`) count only that test, and catalogue-wide reads (a schema diff)
 * do not meet schemas other test files create and drop at the same time.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `t_${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}
