import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Sql } from './sql.js';

/**
 * Reads the rows of a query, one callback per row with its fields as text, in the query's
 * order. Only for queries whose fields are numbers (no NULL, no text needing escapes): the
 * COPY path splits lines on tabs without unescaping.
 * @throws what the query throws (DatabaseUnavailable through the transaction that runs it).
 */
export type ReadRows = (
  query: string,
  params: readonly (string | number)[],
  onRow: (fields: string[]) => void,
) => Promise<number>;

/** A transaction's raw streaming read, when its connection is node-postgres (null on the embedded database). */
export type CopyOut = ReadRows;

/** Rows per FETCH on the cursor path. */
const FETCH_ROWS = 20_000;

/**
 * `COPY (query) TO STDOUT` on `client`, the transaction's own connection. Why COPY: node-postgres
 * parses each DataRow message into a row object (about 4 µs a row: 3,000,000 change-log rows
 * took 13–15 s), while COPY hands over raw text in large chunks split here (4 s for the same
 * rows, folding included). COPY takes no bind parameters, so each parameter is set as a
 * transaction-local setting (`set_config(…, true)`) and the query reads it back with
 * `current_setting`: values never enter the SQL text, so nothing needs quoting. `?`
 * placeholders in `query` are replaced by `current_setting('sla.copy_<n>')` (text: cast it).
 */
export function copyOutOn(client: pg.Client): CopyOut {
  return async (query, params, onRow) => {
    let n = 0;
    const text = query.replace(/\?/g, () => `current_setting('sla.copy_${++n}')`);
    if (n !== params.length) throw new Error(`copy-out: ${n} placeholders, ${params.length} parameters`);
    for (let i = 0; i < params.length; i++)
      await client.query('SELECT set_config($1, $2, true)', [`sla.copy_${i + 1}`, String(params[i])]);
    let rows = 0;
    let rest = '';
    for await (const chunk of client.query(copyTo(`COPY (${text}) TO STDOUT`)) as AsyncIterable<Buffer>) {
      const data = rest + chunk.toString('utf8');
      let start = 0;
      for (let nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
        onRow(data.slice(start, nl).split('\t'));
        rows++;
        start = nl + 1;
      }
      rest = data.slice(start);
    }
    return rows;
  };
}

/** The rows through COPY when the transaction offers it (`copy`), else through a cursor on `sql`. */
export const rowReader = (sql: Sql, copy: CopyOut | undefined): ReadRows => copy ?? cursorRows(sql);

/**
 * The rows of `query` through a cursor fetched 20,000 rows at a time on `sql` (the embedded
 * database, whose connection has no COPY stream). `sql` must be a transaction's runner (a
 * cursor lives in a transaction). Same contract as `ReadRows`.
 */
export function cursorRows(sql: Sql): ReadRows {
  return async (query, params, onRow) => {
    const cursor = `sla_rows_${Math.random().toString(36).slice(2, 10)}`;
    await sql(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${query}`, [...params]);
    let rows = 0;
    try {
      for (;;) {
        const batch = await sql<Record<string, unknown>>(`FETCH FORWARD ${FETCH_ROWS} FROM ${cursor}`);
        for (const r of batch) onRow(Object.values(r).map(String));
        rows += batch.length;
        if (batch.length < FETCH_ROWS) break;
      }
    } finally {
      await sql(`CLOSE ${cursor}`).catch(() => undefined);
    }
    return rows;
  };
}
