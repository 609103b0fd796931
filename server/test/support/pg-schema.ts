import pg from 'pg';
import { MIGRATION_LOCK } from '../../src/db/migration-lock.js';

/**
 * Drops a test's schema (and everything in it) on the shared PostgreSQL server, under the
 * migration lock: a pod migrating its own schema at that moment lists the tables of every
 * schema and casts each to `regclass`, so a schema vanishing between the two fails that
 * pod's start with "schema … does not exist" (seen with two test files running at once).
 */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end(); // ending the session releases the advisory lock
  }
}
