import { IsolationLevel, type Transaction } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/postgresql';
import pg from 'pg';
import { AppError, DatabaseUnavailable, databaseTrouble, isPoolTimeout } from '../platform/errors.js';
import { type CopyOut, copyOutOn, cursorRows } from './copy-out.js';
import type { Orm } from './orm.js';

/** A raw SQL runner with `?` placeholders (knex style), bound to a transaction or not. */
export type Sql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
/**
 * Runs `fn` in one transaction. `copy` is the transaction's streaming read (`COPY … TO STDOUT`,
 * db/copy-out.ts) when its connection is node-postgres; absent on the embedded database.
 */
export type Tx = <T>(fn: (sql: Sql, copy?: CopyOut) => Promise<T>) => Promise<T>;
export type Db = { sql: Sql; tx: Tx; snapshotTx: Tx };

type RawResult = { rows?: unknown[] } | unknown[];
const rowsOf = <T>(r: RawResult): T[] => (Array.isArray(r) ? r : (r.rows ?? [])) as T[];

/** The part of knex's connection pool (tarn) read here. */
type Pool = { max: number; numUsed(): number; on(event: 'createFail', fn: () => void): void };

/** A connection that failed to open this recently means an acquire timeout is PostgreSQL's absence, not a full pool. */
const RECENT_CREATE_FAILURE_MS = 5_000;

/**
 * Raw SQL on MikroORM's connection pool and transactions. The write and refresh paths are
 * set-based SQL: hydrating ORM entities there would cost more than the work itself. It
 * goes through knex's `raw` rather than `em.execute`, because `execute` inlines every
 * parameter into the SQL text (a 1,000-update batch became a megabyte of SQL for
 * PostgreSQL to lex); knex sends them as bound parameters.
 *
 * Every query and transaction that fails because PostgreSQL is unreachable or busy
 * rejects with `DatabaseUnavailable` (an AppError UNAVAILABLE with Retry-After, the
 * original error as its cause), so every caller — reads, ingest, refresh — answers 503
 * without a mapping of its own. A pool timeout counts as busy only while every
 * connection is lent out and none failed to open lately; otherwise PostgreSQL is away.
 */
export function sqlRunner(orm: Orm): Db {
  const conn = orm.em.getConnection();
  const knex = (conn as unknown as { getKnex(): Knex }).getKnex();
  const pool = (knex.client as { pool?: Pool }).pool;
  let createFailedAt = 0;
  pool?.on('createFail', () => {
    createFailedAt = Date.now();
  });
  const translate = (err: unknown): unknown => {
    if (err instanceof AppError) return err;
    let trouble = databaseTrouble(err);
    if (!trouble) return err;
    if (isPoolTimeout(err)) {
      const allLent = pool ? pool.numUsed() >= pool.max : true;
      trouble = allLent && Date.now() - createFailedAt > RECENT_CREATE_FAILURE_MS ? 'busy' : 'unreachable';
    }
    return new DatabaseUnavailable(trouble, err);
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw translate(err);
    }
  };
  const run =
    (on: Knex | Knex.Transaction): Sql =>
    (query, params = []) =>
      guarded(async () => rowsOf(await on.raw(query, params as Knex.RawBinding[])));
  // Inside a knex transaction, acquireConnection answers the transaction's own connection:
  // node-postgres (COPY) on PostgreSQL, the embedded database's otherwise (a cursor instead).
  const copyOf =
    (trx: Knex.Transaction): CopyOut =>
    async (query, params, onRow) => {
      const client = await trx.client.acquireConnection();
      const read = client instanceof pg.Client ? copyOutOn(client) : cursorRows(run(trx));
      return read(query, params, onRow);
    };
  const inTx =
    <T>(fn: (sql: Sql, copy?: CopyOut) => Promise<T>) =>
    (trx: Transaction) => {
      const t = trx as unknown as Knex.Transaction;
      return fn(run(t), copyOf(t));
    };
  return {
    sql: run(knex),
    tx: (fn) => guarded(() => conn.transactional(inTx(fn))),
    /** One consistent, read-only view of the database for a multi-query read (refresh, view load). */
    snapshotTx: (fn) =>
      guarded(() =>
        conn.transactional(inTx(fn), {
          isolationLevel: IsolationLevel.REPEATABLE_READ,
          readOnly: true,
        }),
      ),
  };
}
