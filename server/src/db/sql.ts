import { IsolationLevel, type Transaction } from '@mikro-orm/core';
import type { Orm } from './orm.js';

/** A raw SQL runner with `?` placeholders (knex style), bound to a transaction or not. */
export type Sql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
export type Tx = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;
export type Db = { sql: Sql; tx: Tx; snapshotTx: Tx };

/**
 * Raw SQL over MikroORM's connection. The write and refresh paths are set-based SQL:
 * hydrating ORM entities there would cost more than the work itself.
 */
export function sqlRunner(orm: Orm): Db {
  const conn = orm.em.getConnection();
  const sql: Sql = (query, params = []) => conn.execute(query, params, 'all');
  const bound =
    (trx: Transaction): Sql =>
    (query, params = []) =>
      conn.execute(query, params, 'all', trx);
  return {
    sql,
    tx: (fn) => conn.transactional((trx: Transaction) => fn(bound(trx))),
    /** One consistent, read-only view of the database for a multi-query read (refresh, view load). */
    snapshotTx: (fn) =>
      conn.transactional((trx: Transaction) => fn(bound(trx)), {
        isolationLevel: IsolationLevel.REPEATABLE_READ,
        readOnly: true,
      }),
  };
}
