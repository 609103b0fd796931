import type { Logger } from 'pino';
import { textArray } from '../db/pg-array.js';
import type { Db } from '../db/sql.js';
import { assertFence, type LeaseFence } from './lease.js';
import type { AlertMetrics } from './metrics.js';
import { dropPastBound } from './outbox.js';
import type { AlertChange } from './types.js';

/** A state change to record and the channels (by name) to report it to. */
export type ChangeToRecord = { change: AlertChange; channels: readonly string[] };

/** What `recordChanges` did: changes applied, changes skipped (not the stored sequence + 1), outbox rows added, outbox rows dropped by the bound. */
export type RecordOutcome = { recorded: number; skipped: number; queued: number; dropped: number };

/** The outbox bound and where a drop is reported. */
export type RecordOptions = {
  /** Undelivered outbox rows kept at most (config ALERT_OUTBOX_MAX). */
  outboxMax: number;
  metrics?: AlertMetrics | undefined;
  log?: Logger | undefined;
};

/**
 * Records alert state changes in one transaction under the evaluation lease: each change
 * upserts its `sla_alert` row only when its sequence is the stored sequence + 1 (a new
 * fingerprint takes any sequence), else it is skipped — so recording the same change twice
 * is harmless — and appends one outbox row per channel for each applied change. Ids of
 * the outbox follow commit order (the transaction takes a per-schema advisory lock), so
 * the sender, reading in id order, sees one fingerprint's changes in sequence order.
 * Changes are applied in the order given (give one fingerprint's changes in sequence order).
 *
 * Then, after commit and outside the transaction, the outbox is held to `outboxMax`
 * undelivered rows by dropping the oldest not yet in a message (skipping rows the sender
 * has locked), so a full outbox never blocks or fails recording; a failure there is logged.
 * @throws LeaseLost when `fence` no longer holds its lease (nothing written).
 * @throws DatabaseUnavailable (503) when PostgreSQL is away.
 */
export async function recordChanges(
  db: Pick<Db, 'sql' | 'tx'>,
  fence: LeaseFence,
  changes: readonly ChangeToRecord[],
  options: RecordOptions,
): Promise<RecordOutcome> {
  if (changes.length === 0) return { recorded: 0, skipped: 0, queued: 0, dropped: 0 };
  const { recorded, queued } = await db.tx(async (sql) => {
    await assertFence(sql, fence);
    await sql(`SELECT pg_advisory_xact_lock(${OUTBOX_ORDER_LOCK}, hashtext(current_schema()))`);
    let applied = 0;
    let rows = 0;
    for (const { change: c, channels } of changes) {
      const [r] = await sql<{ applied: number; queued: number }>(UPSERT_AND_QUEUE, [
        c.fingerprint,
        c.state,
        c.sequence,
        c.ruleName,
        c.kind,
        c.tier,
        c.severity,
        c.tenantName,
        c.teamName,
        c.entity?.id ?? null,
        c.at,
        c.state === 'resolved' ? c.at : null,
        JSON.stringify(c),
        textArray([...channels]),
      ]);
      applied += r?.applied ?? 0;
      rows += r?.queued ?? 0;
    }
    return { recorded: applied, queued: rows };
  });
  const dropped = await dropPastBound(db.sql, options.outboxMax).catch((err) => {
    options.log?.warn({ err }, 'alert outbox bound not applied');
    return 0;
  });
  if (dropped > 0) {
    options.metrics?.outboxDropped.inc({ reason: 'bound' }, dropped);
    options.log?.warn(
      { dropped, outboxMax: options.outboxMax },
      'alert outbox full: oldest undelivered state changes dropped',
    );
  }
  return { recorded, skipped: changes.length - recorded, queued, dropped };
}

/** An arbitrary constant (the migration lock is 7_231_001, the report closer's 7_231_002). */
const OUTBOX_ORDER_LOCK = 7_231_003;

/**
 * Upsert when the sequence follows, then one outbox row per channel for an applied change.
 * `since` is when the current firing episode began; a new firing clears the acknowledgement.
 */
const UPSERT_AND_QUEUE = `
WITH up AS (
  INSERT INTO sla_alert AS a (fingerprint, state, sequence, rule_name, kind, tier, severity, tenant_name, team_name,
                              entity_id, since, resolved_at, last_change, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::jsonb, now())
  ON CONFLICT (fingerprint) DO UPDATE SET
    state = excluded.state, sequence = excluded.sequence, rule_name = excluded.rule_name, kind = excluded.kind,
    tier = excluded.tier, severity = excluded.severity, tenant_name = excluded.tenant_name,
    team_name = excluded.team_name, entity_id = excluded.entity_id,
    since = CASE WHEN excluded.state = 'firing' AND a.state <> 'firing' THEN excluded.since ELSE a.since END,
    resolved_at = excluded.resolved_at,
    acknowledged_by = CASE WHEN excluded.state = 'firing' AND a.state <> 'firing' THEN NULL ELSE a.acknowledged_by END,
    acknowledged_at = CASE WHEN excluded.state = 'firing' AND a.state <> 'firing' THEN NULL ELSE a.acknowledged_at END,
    last_change = excluded.last_change, updated_at = now()
  WHERE a.sequence + 1 = excluded.sequence
  RETURNING fingerprint, sequence, tenant_name, team_name, last_change
), ins AS (
  INSERT INTO sla_alert_outbox (fingerprint, sequence, tenant_name, team_name, channel, change, created_at)
  SELECT up.fingerprint, up.sequence, up.tenant_name, up.team_name, ch, up.last_change, now()
    FROM up CROSS JOIN unnest(?::text[]) AS ch
  RETURNING 1
)
SELECT (SELECT count(*) FROM up)::int AS applied, (SELECT count(*) FROM ins)::int AS queued`;
