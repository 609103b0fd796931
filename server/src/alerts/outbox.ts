import type { Sql } from '../db/sql.js';
import type { AlertChange } from './types.js';

/** An outbox row not yet in a message, as the sender groups it. */
export type PendingRow = {
  id: number;
  fingerprint: string;
  sequence: number;
  tenantName: string;
  teamName: string | null;
  channel: string;
  /** How long ago it was recorded, by PostgreSQL's clock (ms). */
  ageMs: number;
};

/**
 * Marks dropped the oldest undelivered outbox rows past `max`, counting only rows not yet
 * in a message (a message once composed is sent as composed, so a resend stays exact).
 * Rows another transaction has locked are skipped, never waited for. Returns how many
 * were dropped.
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function dropPastBound(sql: Sql, max: number): Promise<number> {
  const rows = await sql(
    `WITH victims AS (
       SELECT id FROM sla_alert_outbox
        WHERE delivered_at IS NULL AND dropped_at IS NULL AND delivery_id IS NULL
        ORDER BY id DESC OFFSET ? FOR UPDATE SKIP LOCKED)
     UPDATE sla_alert_outbox o SET dropped_at = now() FROM victims WHERE o.id = victims.id RETURNING o.id`,
    [max],
  );
  return rows.length;
}

/**
 * The oldest `limit` outbox rows not yet in a message, in id (= commit) order, with their age.
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function pendingRows(sql: Sql, limit: number): Promise<PendingRow[]> {
  const rows = await sql<{
    id: string;
    fingerprint: string;
    sequence: number;
    tenant_name: string;
    team_name: string | null;
    channel: string;
    age_ms: number;
  }>(
    `SELECT id, fingerprint, sequence, tenant_name, team_name, channel,
            (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
       FROM sla_alert_outbox
      WHERE delivered_at IS NULL AND dropped_at IS NULL AND delivery_id IS NULL
      ORDER BY id LIMIT ?`,
    [limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    fingerprint: r.fingerprint,
    sequence: r.sequence,
    tenantName: r.tenant_name,
    teamName: r.team_name,
    channel: r.channel,
    ageMs: Number(r.age_ms),
  }));
}

/** Undelivered, undropped outbox rows (the depth gauge). */
export async function outboxDepth(sql: Sql): Promise<number> {
  const [r] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM sla_alert_outbox WHERE delivered_at IS NULL AND dropped_at IS NULL`,
  );
  return r?.n ?? 0;
}

/** The changes the given outbox rows carry, in id order. */
export async function changesOf(sql: Sql, outboxIds: readonly number[]): Promise<AlertChange[]> {
  const rows = await sql<{ change: AlertChange }>(
    `SELECT change FROM sla_alert_outbox WHERE id = ANY(?::bigint[]) ORDER BY id`,
    [`{${outboxIds.join(',')}}`],
  );
  return rows.map((r) => r.change);
}

/**
 * The next message of one channel from its pending rows (id order), or null while its
 * grouping interval runs. The oldest row opens a group for its (tenant, team); rows of that
 * group join (up to `maxChanges`) when recorded within `intervalMs` after it or when their own
 * wait is over too (a backlog — the channel was slow or down — goes out in as few messages as
 * possible, not one per interval), and the group is ready once the oldest row is `intervalMs`
 * old. A fingerprint with an earlier row left out is left out from then on, so no change of it
 * goes out before an earlier one.
 */
export function nextGroup(rows: readonly PendingRow[], intervalMs: number, maxChanges: number): PendingRow[] | null {
  const first = rows[0];
  if (!first || first.ageMs < intervalMs) return null;
  const left = new Set<string>();
  const group: PendingRow[] = [];
  for (const r of rows) {
    if (group.length >= maxChanges) break;
    const joins =
      r.tenantName === first.tenantName &&
      r.teamName === first.teamName &&
      (r.ageMs >= first.ageMs - intervalMs || r.ageMs >= intervalMs) &&
      !left.has(r.fingerprint);
    if (joins) group.push(r);
    else left.add(r.fingerprint);
  }
  return group;
}
