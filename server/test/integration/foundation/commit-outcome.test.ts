import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CommitOutcomeUnknown,
  TX_IDENTITY_COLUMNS,
  type TxIdentity,
  verdict,
  verifiedTx,
} from '../../../src/db/commit-outcome.js';
import type { Sql, Tx } from '../../../src/db/sql.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';

/** Knex-style `?` placeholders to PostgreSQL's `$n`. */
const numbered = (q: string) => {
  let n = 0;
  return q.replace(/\?/g, () => `$${++n}`);
};
const sqlOn =
  (c: pg.Client): Sql =>
  async <T>(q: string, params: unknown[] = []) =>
    (await c.query(numbered(q), params)).rows as T[];

const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });

/**
 * `verifiedTx` on real PostgreSQL sessions: the transaction runs on session A, which then
 * "loses its connection" (the error a dropped socket gives) after the COMMIT was sent, or
 * before it; the verdict is asked on session B, as the pool would after a reconnect.
 */
describe('learning whether a transaction committed after its connection failed', () => {
  const schema = uniqueSchema('commit_outcome');
  let a: pg.Client;
  let b: pg.Client;

  beforeAll(async () => {
    b = new pg.Client({ connectionString: PG_URL });
    await b.connect();
    await b.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (v text)`);
  });
  beforeEach(async () => {
    a = new pg.Client({ connectionString: PG_URL });
    a.on('error', () => undefined);
    await a.connect();
  });
  afterEach(async () => {
    await a.end().catch(() => undefined);
  });
  afterAll(async () => {
    await b?.end();
    await dropSchema(schema);
  });

  const rows = async () => (await b.query(`SELECT v FROM "${schema}".t ORDER BY v`)).rows.map((r) => r.v);
  /** The transaction body: reports its identity, writes `v`. */
  const body = (v: string) => async (sql: Sql, tx: TxIdentity) => {
    const [id] = await sql<{ xid: string; pid: number }>(`SELECT ${TX_IDENTITY_COLUMNS}`);
    tx.xid = id?.xid ?? null;
    tx.pid = id?.pid ?? null;
    await sql(`INSERT INTO "${schema}".t VALUES (?)`, [v]);
    return v;
  };

  it('returns the value when the COMMIT went through and only its answer was lost', async () => {
    const tx: Tx = async (fn) => {
      await a.query('BEGIN');
      await fn(sqlOn(a));
      await a.query('COMMIT');
      throw lost();
    };
    await expect(verifiedTx({ tx, sql: sqlOn(b) }, body('committed'))).resolves.toBe('committed');
    expect(await rows()).toContain('committed');
  });

  it('ends a transaction left idle by a COMMIT that never arrived, and reports the original error (nothing written)', async () => {
    const tx: Tx = async (fn) => {
      await a.query('BEGIN');
      await fn(sqlOn(a));
      throw lost(); // The COMMIT never left: session A sits idle in its transaction.
    };
    const started = Date.now();
    await expect(verifiedTx({ tx, sql: sqlOn(b) }, body('never'))).rejects.toThrow(/Connection terminated/);
    // Settled by terminating session A, well before its idle-in-transaction timeout would have.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await rows()).not.toContain('never');
    await expect(a.query('SELECT 1')).rejects.toThrow();
  });

  it('throws CommitOutcomeUnknown when PostgreSQL cannot be asked within the wait', async () => {
    const tx: Tx = async (fn) => {
      await a.query('BEGIN');
      await fn(sqlOn(a));
      await a.query('COMMIT');
      throw lost();
    };
    const unreachable: Sql = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const started = Date.now();
    const err = await verifiedTx({ tx, sql: unreachable }, body('unknown'), { waitMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitOutcomeUnknown);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('does not ask when the failure came before the COMMIT was sent', async () => {
    let asked = false;
    const spy: Sql = async () => {
      asked = true;
      return [];
    };
    const tx: Tx = async (fn) => {
      await a.query('BEGIN');
      return fn(sqlOn(a));
    };
    const failing = async (sql: Sql, t: TxIdentity) => {
      await body('half')(sql, t);
      throw lost();
    };
    await expect(verifiedTx({ tx, sql: spy }, failing)).rejects.toThrow(/Connection terminated/);
    expect(asked).toBe(false);
    await a.query('ROLLBACK');
  });

  it('works on the embedded database (PGlite has txid_current and txid_status)', async () => {
    const db = await PGlite.create();
    try {
      const sql: Sql = async <T>(q: string, params: unknown[] = []) =>
        (await db.query(numbered(q), params)).rows as T[];
      await db.query('BEGIN');
      const [id] = await sql<{ xid: string; pid: number }>(`SELECT ${TX_IDENTITY_COLUMNS}`);
      await db.query('COMMIT');
      expect(await verdict(sql, { xid: id?.xid as string, pid: null }, Date.now() + 1_000)).toBe('committed');
    } finally {
      await db.close();
    }
  });
});
