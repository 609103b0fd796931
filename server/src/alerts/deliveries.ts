import { randomUUID } from 'node:crypto';
import { numberArray, textArray } from '../db/pg-array.js';
import type { Db, Sql } from '../db/sql.js';
import { assertFence, type LeaseFence } from './lease.js';
import type { PendingRow } from './outbox.js';
import { isoOrNull } from './time.js';
import type { DeliveryResult } from './types.js';

/** A message composed from outbox rows: its id and rows are fixed once created. */
export type Delivery = {
  deliveryId: string;
  channel: string;
  tenantName: string;
  teamName: string | null;
  outboxIds: number[];
  /** Attempts made so far (by any holder). */
  attempts: number;
};

/** One attempt as the delivery log shows it. */
export type DeliveryAttempt = {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
};

/** Attempts kept per delivery in `attempt_log` (the count in `attempts` goes on). */
const ATTEMPTS_KEPT = 20;

/**
 * Creates the delivery of `group` (one channel, tenant, team) with a fresh uuid before
 * anything is sent, and ties the rows to it, fenced. Rows dropped meanwhile are left out;
 * null when none is left.
 * @throws LeaseLost when `fence` no longer holds its lease (nothing written).
 */
export async function createDelivery(
  db: Pick<Db, 'tx'>,
  fence: LeaseFence,
  group: readonly PendingRow[],
): Promise<Delivery | null> {
  const first = group[0];
  if (!first) return null;
  const deliveryId = randomUUID();
  return db.tx(async (sql) => {
    await assertFence(sql, fence);
    const taken = await sql<{ id: string }>(
      `UPDATE sla_alert_outbox SET delivery_id = ?
        WHERE id = ANY(?::bigint[]) AND delivery_id IS NULL AND delivered_at IS NULL AND dropped_at IS NULL
        RETURNING id`,
      [deliveryId, numberArray(group.map((r) => r.id))],
    );
    const outboxIds = taken.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (outboxIds.length === 0) return null;
    await sql(
      `INSERT INTO sla_alert_delivery (delivery_id, channel, tenant_name, team_name, outbox_ids, attempts,
                                       attempt_log, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?::bigint[], 0, '[]'::jsonb, now(), now())`,
      [deliveryId, first.channel, first.tenantName, first.teamName, numberArray(outboxIds)],
    );
    return {
      deliveryId,
      channel: first.channel,
      tenantName: first.tenantName,
      teamName: first.teamName,
      outboxIds,
      attempts: 0,
    };
  });
}

type DeliveryRow = {
  delivery_id: string;
  channel: string;
  tenant_name: string;
  team_name: string | null;
  outbox_ids: (string | number)[];
  attempts: number;
};
const toDelivery = (r: DeliveryRow): Delivery => ({
  deliveryId: r.delivery_id,
  channel: r.channel,
  tenantName: r.tenant_name,
  teamName: r.team_name,
  outboxIds: r.outbox_ids.map(Number),
  attempts: r.attempts,
});

/** Deliveries neither delivered nor given up, oldest first: a new holder resumes them as they are. */
export async function openDeliveries(sql: Sql): Promise<Delivery[]> {
  const rows = await sql<DeliveryRow>(
    `SELECT delivery_id, channel, tenant_name, team_name, outbox_ids, attempts FROM sla_alert_delivery
      WHERE delivered_at IS NULL AND abandoned_at IS NULL ORDER BY created_at, delivery_id`,
  );
  return rows.map(toDelivery);
}

const attemptEntry = (attempt: number, r: DeliveryResult) =>
  JSON.stringify([
    { attempt, at: new Date().toISOString(), status: r.status, error: r.error, durationMs: Math.round(r.durationMs) },
  ]);

const LOG_ATTEMPT = `attempts = attempts + 1, last_status = ?, last_error = left(?, 1000), updated_at = now(),
  attempt_log = CASE WHEN jsonb_array_length(attempt_log) >= ${ATTEMPTS_KEPT} THEN (attempt_log - 0) ELSE attempt_log END || ?::jsonb`;

/**
 * Records one attempt's outcome, fenced; `outcome` `delivered` also marks the delivery and
 * its outbox rows delivered, `refused` gives the delivery up and drops its rows (the
 * channel answered that a resend cannot succeed), `retry` only logs the attempt.
 * Returns the outbox rows dropped (for `refused`), else 0.
 * @throws LeaseLost when `fence` no longer holds its lease (nothing written).
 */
export async function recordAttempt(
  db: Pick<Db, 'tx'>,
  fence: LeaseFence,
  delivery: Delivery,
  attempt: number,
  result: DeliveryResult,
  outcome: 'delivered' | 'refused' | 'retry',
): Promise<number> {
  return db.tx(async (sql) => {
    await assertFence(sql, fence);
    const end =
      outcome === 'delivered' ? ', delivered_at = now()' : outcome === 'refused' ? ', abandoned_at = now()' : '';
    await sql(`UPDATE sla_alert_delivery SET ${LOG_ATTEMPT}${end} WHERE delivery_id = ?`, [
      result.status,
      result.ok ? null : (result.error ?? `status ${result.status}`),
      attemptEntry(attempt, result),
      delivery.deliveryId,
    ]);
    if (outcome === 'retry') return 0;
    const column = outcome === 'delivered' ? 'delivered_at' : 'dropped_at';
    const rows = await sql(
      `UPDATE sla_alert_outbox SET ${column} = now() WHERE delivery_id = ? AND ${column} IS NULL RETURNING id`,
      [delivery.deliveryId],
    );
    return outcome === 'refused' ? rows.length : 0;
  });
}

/** A delivery as the API lists it. */
export type DeliveryView = Delivery & {
  lastStatus: number | null;
  lastError: string | null;
  attemptLog: DeliveryAttempt[];
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  abandonedAt: string | null;
};

/**
 * The delivery log, newest first: at most `limit` deliveries of the given tenants (null:
 * every tenant), of one channel when given, only those not yet delivered when `openOnly`.
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function listDeliveries(
  sql: Sql,
  q: { tenantNames: readonly string[] | null; channel?: string | undefined; openOnly?: boolean; limit: number },
): Promise<DeliveryView[]> {
  const rows = await sql<
    DeliveryRow & {
      last_status: number | null;
      last_error: string | null;
      attempt_log: DeliveryAttempt[];
      created_at: Date | string;
      updated_at: Date | string;
      delivered_at: Date | string | null;
      abandoned_at: Date | string | null;
    }
  >(
    `SELECT * FROM sla_alert_delivery
      WHERE (?::text[] IS NULL OR tenant_name = ANY(?::text[])) AND (?::text IS NULL OR channel = ?)
        AND (NOT ? OR (delivered_at IS NULL AND abandoned_at IS NULL))
      ORDER BY created_at DESC, delivery_id LIMIT ?`,
    [
      ...twice(q.tenantNames ? textArray([...q.tenantNames]) : null),
      ...twice(q.channel ?? null),
      q.openOnly === true,
      q.limit,
    ],
  );
  return rows.map((r) => ({
    ...toDelivery(r),
    lastStatus: r.last_status,
    lastError: r.last_error,
    attemptLog: r.attempt_log,
    createdAt: isoOrNull(r.created_at) as string,
    updatedAt: isoOrNull(r.updated_at) as string,
    deliveredAt: isoOrNull(r.delivered_at),
    abandonedAt: isoOrNull(r.abandoned_at),
  }));
}

const twice = <T>(v: T): [T, T] => [v, v];
