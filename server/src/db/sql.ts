import { IsolationLevel, type Transaction } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/postgresql';
import type { Orm } from './orm.js';

/** A raw SQL runner with `?` placeholders (knex style), bound to a transaction or not. */
export type Sql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
export type Tx = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;
export type Db = { sql: Sql; tx: Tx; snapshotTx: Tx };

type RawResult = { rows?: unknown[] } | unknown[];
const rowsOf = <T>(r: RawResult): T[] => (Array.isArray(r) ? r : (r.rows ?? [])) as T[];

/**
 * Raw SQL on MikroORM's connection pool and transactions. The write and refresh paths are
 * set-based SQL: hydrating ORM entities there would cost more than the work itself. It
 * goes through knex's `raw` rather than `em.execute`, because `execute` inlines every
 * parameter into the SQL text (a 1,000-update batch became a megabyte of SQL for
 * PostgreSQL to lex); knex sends them as bound parameters.
 */
export function sqlRunner(orm: Orm): Db {
  const conn = orm.em.getConnection();
  const knex = (conn as unknown as { getKnex(): Knex }).getKnex();
  const run =
    (on: Knex | Knex.Transaction): Sql =>
    async (query, params = []) =>
      rowsOf(await on.raw(query, params as Knex.RawBinding[]));
  return {
    sql: run(knex),
    tx: (fn) => conn.transactional((trx: Transaction) => fn(run(trx as unknown as Knex.Transaction))),
    /** One consistent, read-only view of the database for a multi-query read (refresh, view load). */
    snapshotTx: (fn) =>
      conn.transactional((trx: Transaction) => fn(run(trx as unknown as Knex.Transaction)), {
        isolationLevel: IsolationLevel.REPEATABLE_READ,
        readOnly: true,
      }),
  };
}
