import { isDatabaseUnavailable } from '../platform/errors.js';
import type { Sql, Tx } from './sql.js';

/**
 * The transaction may have committed: its COMMIT was sent and the connection failed before
 * the answer came, and asking PostgreSQL afterwards gave no answer either (still down).
 */
export class CommitOutcomeUnknown extends Error {
  constructor(
    readonly xid: string,
    options: { cause: unknown },
  ) {
    super(`The outcome of transaction ${xid} is unknown: the connection failed after COMMIT was sent`, options);
    this.name = 'CommitOutcomeUnknown';
  }
}

/** Who a transaction is: its id (64-bit, as text) and its server process, as the transaction reports them. */
export type TxIdentity = { xid: string | null; pid: number | null };

/** Columns that report a transaction's identity: select them in its first statement. */
export const TX_IDENTITY_COLUMNS = 'txid_current()::text AS xid, pg_backend_pid() AS pid';

/**
 * Longest wait for the verdict after a lost COMMIT answer, in ms. Short on purpose: when
 * PostgreSQL answers at all it takes milliseconds, and when it does not, waiting longer
 * rarely helps; an "unknown" answer is safe for a client retrying with its Idempotency-Key.
 */
const VERDICT_WAIT_MS = 2_000;
const POLL_MS = 200;

export type Verdict = 'committed' | 'aborted' | 'unknown';

/** One question to the server, given up on at `deadline`: 'failed' when it could not be asked. */
async function ask<T>(q: Promise<T>, deadline: number): Promise<T | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'failed'>((resolve) => {
    timer = setTimeout(() => resolve('failed'), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([q.catch((): 'failed' => 'failed'), late]).finally(() => clearTimeout(timer));
}

/**
 * What became of transaction `tx`, asked on pooled connections until `deadline` (epoch ms).
 * "in progress" means its server process has not noticed the connection is gone (a
 * black-holed link, or a COMMIT that never arrived, leaves it idle in the transaction,
 * holding the change-order lock): that process is terminated, which settles the fate for
 * good — aborted, or committed if the COMMIT was already being processed.
 * @returns 'committed' or 'aborted' as PostgreSQL says; 'unknown' when it could not be
 *   asked before `deadline` or no longer knows. Never throws.
 */
export async function verdict(sql: Sql, tx: { xid: string; pid: number | null }, deadline: number): Promise<Verdict> {
  for (;;) {
    const status = await ask(
      sql<{ s: string | null }>('SELECT txid_status(?::bigint) AS s', [tx.xid]).then(([row]) => row?.s ?? null),
      deadline,
    );
    if (status === 'committed' || status === 'aborted') return status;
    // null: too old for the commit log (cannot happen within seconds; say so rather than guess).
    if (status === null) return 'unknown';
    if (status === 'in progress' && tx.pid !== null)
      await ask(
        // Only while that process still runs this transaction: a process id alone could have been reused.
        sql(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid = ? AND backend_xid::text = (?::bigint % 4294967296)::text`,
          [tx.pid, tx.xid],
        ),
        deadline,
      );
    if (Date.now() + POLL_MS >= deadline) return 'unknown';
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * A transaction whose fate the caller always learns, even when the answer to its COMMIT is
 * lost. `fn` runs in the transaction and reports its identity into `tx` (select
 * `TX_IDENTITY_COLUMNS` in its first statement). When the transaction fails after `fn`
 * returned — the COMMIT was sent — with a lost connection, new connections ask
 * `txid_status(xid)` (PostgreSQL ≥ 10, and PGlite) for up to `opts.waitMs` (default
 * `VERDICT_WAIT_MS`), calling `opts.onUncertain` first (the caller may move on meanwhile).
 * @returns fn's value when the transaction committed (also when only the check says so).
 * @throws the original error when it rolled back (nothing was written);
 *   CommitOutcomeUnknown when the check could not tell within `waitMs`.
 */
export async function verifiedTx<T>(
  db: { tx: Tx; sql: Sql },
  fn: (sql: Sql, tx: TxIdentity) => Promise<T>,
  opts: { waitMs?: number; onUncertain?: () => void } = {},
): Promise<T> {
  const tx: TxIdentity = { xid: null, pid: null };
  let sent = false;
  let value: T | undefined;
  try {
    return await db.tx(async (sql) => {
      value = await fn(sql, tx);
      sent = true;
      return value;
    });
  } catch (err) {
    // Failed before the COMMIT went out, or refused by a server that answered: nothing was written.
    if (!sent || !tx.xid || !isDatabaseUnavailable(err)) throw err;
    opts.onUncertain?.();
    const v = await verdict(db.sql, { xid: tx.xid, pid: tx.pid }, Date.now() + (opts.waitMs ?? VERDICT_WAIT_MS));
    if (v === 'committed') return value as T;
    if (v === 'aborted') throw err;
    throw new CommitOutcomeUnknown(tx.xid, { cause: err });
  }
}
