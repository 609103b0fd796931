import type { Logger } from 'pino';
import { numberArray, textArray } from '../db/pg-array.js';
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
    // Set-based, a chunk per statement: a storm of thousands of changes (a first evaluation
    // of a large fleet) costs a few round trips, not one per change.
    for (const chunk of chunksOfDistinctFingerprints(changes, CHUNK)) {
      const [r] = await sql<{ applied: number; queued: number }>(UPSERT_AND_QUEUE, [
        textArray(chunk.map(({ change: c }) => c.fingerprint)),
        textArray(chunk.map(({ change: c }) => c.state)),
        numberArray(chunk.map(({ change: c }) => c.sequence)),
        textArray(chunk.map(({ change: c }) => c.ruleName)),
        textArray(chunk.map(({ change: c }) => c.kind)),
        textArray(chunk.map(({ change: c }) => c.tier)),
        textArray(chunk.map(({ change: c }) => c.severity)),
        textArray(chunk.map(({ change: c }) => c.tenantName)),
        textArray(chunk.map(({ change: c }) => c.teamName)),
        numberArray(chunk.map(({ change: c }) => c.entity?.id ?? null)),
        textArray(chunk.map(({ change: c }) => c.at)),
        textArray(chunk.map(({ change: c }) => (c.state === 'resolved' ? c.at : null))),
        textArray(chunk.map(({ change: c }) => JSON.stringify(c))),
        textArray(chunk.map(({ channels }) => textArray([...channels]))),
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

/** Changes per statement at most. */
const CHUNK = 1_000;

/**
 * `changes` cut, in order, into runs of at most `size` in which no fingerprint appears twice
 * (one statement's upsert may touch a row only once).
 */
function chunksOfDistinctFingerprints(changes: readonly ChangeToRecord[], size: number): ChangeToRecord[][] {
  const out: ChangeToRecord[][] = [];
  let chunk: ChangeToRecord[] = [];
  let seen = new Set<string>();
  for (const c of changes) {
    if (chunk.length >= size || seen.has(c.change.fingerprint)) {
      out.push(chunk);
      chunk = [];
      seen = new Set();
    }
    chunk.push(c);
    seen.add(c.change.fingerprint);
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/**
 * For a chunk (one array per column, one element per change, channels as one array literal
 * per change): upsert each change when its sequence follows, then one outbox row per channel
 * for each applied change, in the chunk's order and each change's channel order (outbox ids
 * follow it). `since` is when the current firing episode began; a new firing clears the
 * acknowledgement.
 */
const UPSERT_AND_QUEUE = `
WITH input AS (
  SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                       ?::text[], ?::int[], ?::timestamptz[], ?::timestamptz[], ?::jsonb[], ?::text[])
         WITH ORDINALITY AS t(fingerprint, state, sequence, rule_name, kind, tier, severity, tenant_name, team_name,
                              entity_id, since, resolved_at, last_change, channels, ord)
), up AS (
  INSERT INTO sla_alert AS a (fingerprint, state, sequence, rule_name, kind, tier, severity, tenant_name, team_name,
                              entity_id, since, resolved_at, last_change, updated_at)
  SELECT fingerprint, state, sequence, rule_name, kind, tier, severity, tenant_name, team_name,
         entity_id, since, resolved_at, last_change, now()
    FROM input ORDER BY ord
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
  RETURNING fingerprint, sequence
), ins AS (
  INSERT INTO sla_alert_outbox (fingerprint, sequence, tenant_name, team_name, channel, change, created_at)
  SELECT i.fingerprint, i.sequence, i.tenant_name, i.team_name, c.ch, i.last_change, now()
    FROM up JOIN input i ON i.fingerprint = up.fingerprint AND i.sequence = up.sequence
    CROSS JOIN LATERAL unnest(i.channels::text[]) WITH ORDINALITY AS c(ch, n)
   ORDER BY i.ord, c.n
  RETURNING 1
)
SELECT (SELECT count(*) FROM up)::int AS applied, (SELECT count(*) FROM ins)::int AS queued`;
