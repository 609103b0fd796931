import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/sql.js';

/** A fresh epoch: 12 lowercase hex digits (fits a cursor `<epoch>:<id>` and a Redis meta field). */
const newEpoch = (): string => randomBytes(6).toString('hex');

/** The log's epoch, or null when none was minted yet. */
export async function readEpoch(sql: Sql): Promise<string | null> {
  const [row] = await sql<{ epoch: string }>('SELECT epoch FROM sla_log_epoch WHERE id = 1');
  return row?.epoch ?? null;
}

/**
 * The log's epoch, minting it on the first start of a database (pods starting together
 * agree: the first insert wins, the others read it). Throws Error should the row be missing
 * even after the insert.
 */
export async function ensureEpoch(sql: Sql): Promise<string> {
  await sql(
    `INSERT INTO sla_log_epoch (id, epoch, minted_at, reason) VALUES (1, ?, now(), 'first start')
             ON CONFLICT (id) DO NOTHING`,
    [newEpoch()],
  );
  const epoch = await readEpoch(sql);
  if (!epoch) throw new Error('sla_log_epoch has no row after minting one');
  return epoch;
}

/**
 * Replaces epoch `replaced` with a fresh one because the log behind it was replaced (a
 * restore from a backup, detected from the data; `reason` says how), unless another pod
 * did so already: then that pod's epoch is returned. Returns the log's epoch afterwards.
 */
export async function mintEpoch(sql: Sql, replaced: string, reason: string): Promise<string> {
  const next = newEpoch();
  await sql('UPDATE sla_log_epoch SET epoch = ?, minted_at = now(), reason = ? WHERE id = 1 AND epoch = ?', [
    next,
    reason.slice(0, 256),
    replaced,
  ]);
  return (await readEpoch(sql)) ?? next;
}

/** The log's epoch and head (newest change id) in one read. */
export async function readIdentity(sql: Sql): Promise<{ epoch: string | null; head: number }> {
  const [row] = await sql<{ epoch: string | null; head: string | number }>(
    'SELECT (SELECT epoch FROM sla_log_epoch WHERE id = 1) AS epoch, (SELECT coalesce(max(id), 0) FROM sla_change) AS head',
  );
  return { epoch: row?.epoch ?? null, head: Number(row?.head ?? 0) };
}
