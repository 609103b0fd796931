import type { Sql } from '../db/sql.js';
import type { Segment, SegmentClass, Timeline } from '../domain/budget/types.js';

/** Which entities to read: all, one tenant's, or the listed ids (both: the listed ids of that tenant). */
export type TimelineFilter = { tenantName?: string; entityIds?: readonly number[] };

/** The time range the timelines must cover, epoch ms `[from, to)`: results from `to` on are ignored. */
export type TimelineRange = { from: number; to: number };

/** Entities per FETCH of the cursor. */
const BATCH = 5_000;

/** SQL class codes, in the order of this list. */
const CLASSES: readonly SegmentClass[] = ['good', 'bad', 'nodata', 'stale'];

/**
 * One JSON array per entity, built by PostgreSQL so only the segments travel: the applied
 * results in commit order, less those not newer than every earlier one (what
 * `appendResult` ignores), so `observedAt` ascends (window functions give each its
 * successor); each piece
 * classified (docs/budgets.md, the class table) and cut at the stale time, consecutive
 * pieces of the same class and target merged (gaps and islands: a new island starts where
 * the class or target changes or the previous result went stale), islands ending before
 * the range dropped. `[id, firstAt, openAt, openCls, openTarget, openSla,
 * [[start, goodEnd, cls, target, slaMs, nextAt], …]]`; an island is followed by stale
 * time `[goodEnd, nextAt)` when its last result went stale. One sort (entity, id) serves
 * every window; the open result is its island's row without a successor.
 */
function timelineSql(filter: TimelineFilter): string {
  const where = ['applied', 'observed_at < ?'];
  if (filter.tenantName !== undefined) where.push('tenant_name = ?');
  if (filter.entityIds !== undefined) where.push('entity_id = ANY(?::int[])');
  return `
WITH r AS (
  SELECT entity_id, id, observed_at, status, current_sla, sla_target,
    max(observed_at) OVER (PARTITION BY entity_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seen
  FROM sla_change WHERE ${where.join(' AND ')}
), w AS (
  SELECT entity_id, id, at, cls, target, sla, lead(at) OVER e AS next_at, lag(at) OVER e AS prev_at,
    lag(cls) OVER e AS prev_cls, lag(target) OVER e AS prev_target, first_value(at) OVER e AS first_at
  FROM (
    SELECT entity_id, id, (extract(epoch FROM observed_at) * 1000)::float8 AS at,
      CASE WHEN status = 'NoData' THEN 2 WHEN status = 'Failed' OR current_sla < sla_target THEN 1 ELSE 0 END AS cls,
      sla_target AS target, current_sla AS sla
    FROM r WHERE seen IS NULL OR observed_at > seen
  ) c
  WINDOW e AS (PARTITION BY entity_id ORDER BY id)
), g AS (
  SELECT w.*, CASE WHEN next_at IS NOT NULL THEN least(next_at, at + ?::float8) END AS good_end,
    sum(CASE WHEN prev_at IS NULL OR cls <> prev_cls OR target <> prev_target OR at - prev_at > ?::float8
      THEN 1 ELSE 0 END) OVER (PARTITION BY entity_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS grp
  FROM w
), s AS (
  SELECT entity_id, min(at) FILTER (WHERE next_at IS NOT NULL) AS start, max(good_end) AS good_end,
    max(next_at) AS next_at, min(cls) AS cls, min(target) AS target,
    sum(sla * (good_end - at)) FILTER (WHERE next_at IS NOT NULL) AS sla_ms, max(first_at) AS first_at,
    max(at) FILTER (WHERE next_at IS NULL) AS open_at, max(cls) FILTER (WHERE next_at IS NULL) AS open_cls,
    max(target) FILTER (WHERE next_at IS NULL) AS open_target, max(sla) FILTER (WHERE next_at IS NULL) AS open_sla
  FROM g GROUP BY entity_id, grp
)
SELECT json_build_array(entity_id, max(first_at), max(open_at), max(open_cls), max(open_target), max(open_sla),
  coalesce(json_agg(json_build_array(start, good_end, cls, target, sla_ms, next_at) ORDER BY start)
    FILTER (WHERE start IS NOT NULL AND next_at > ?::float8), '[]'::json))::text AS t
FROM s GROUP BY entity_id`;
}

type Row = [number, number, number, number, number, number, [number, number, number, number, number, number][]];

/** One entity's JSON row → its timeline (horizon = the range's start). */
export function timelineOfRow(text: string, from: number): [number, Timeline] {
  const [id, firstAt, openAt, openCls, openTarget, openSla, islands] = JSON.parse(text) as Row;
  const segments: Segment[] = [];
  for (const [start, goodEnd, cls, target, slaMs, nextAt] of islands) {
    // A part ending at the range's start is what pruning drops (pruneBefore).
    if (goodEnd > start && goodEnd > from)
      segments.push({ start, end: goodEnd, cls: CLASSES[cls] as SegmentClass, target, slaMs });
    if (nextAt > goodEnd) segments.push({ start: goodEnd, end: nextAt, cls: 'stale', target, slaMs: 0 });
  }
  const cls = CLASSES[openCls] as Exclude<SegmentClass, 'stale'>;
  return [
    id,
    {
      firstObservedAt: firstAt,
      horizon: Math.max(firstAt, from),
      segments,
      open: { observedAt: openAt, cls, target: openTarget, currentSla: openSla },
    },
  ];
}

/**
 * The budget timelines of the entities `filter` names as of `range.to`, holding at least the
 * segments that end after `range.from` (earlier ones are dropped), built in PostgreSQL from
 * the change log's applied results (see timelineSql) and streamed through a cursor in
 * batches of 5,000 entities. `sql` must be a transaction's runner (`db.snapshotTx` or
 * `db.tx`: a cursor lives in a transaction); `staleAfterMs` is the stale time the book uses.
 * `onBatch` (optional) hears each batch instead of the result map growing (then empty).
 * @throws DatabaseUnavailable when PostgreSQL is.
 */
export async function timelinesFromLog(
  sql: Sql,
  filter: TimelineFilter,
  range: TimelineRange,
  opts: { staleAfterMs: number; onBatch?: (batch: [number, Timeline][]) => void },
): Promise<Map<number, Timeline>> {
  const params: unknown[] = [new Date(range.to).toISOString()];
  if (filter.tenantName !== undefined) params.push(filter.tenantName);
  if (filter.entityIds !== undefined) params.push(`{${filter.entityIds.map((n) => Math.trunc(n)).join(',')}}`);
  const stale = opts.staleAfterMs;
  params.push(stale, stale, range.from);
  const cursor = `sla_budget_${Math.random().toString(36).slice(2, 10)}`;
  // The whole result is read: plan for all of it (a cursor's default favours the first rows, with nested
  // loops), and sort in memory rather than on disk.
  await sql(`SET LOCAL cursor_tuple_fraction = 1.0`);
  await sql(`SET LOCAL work_mem = '256MB'`);
  await sql(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${timelineSql(filter)}`, params);
  const out = new Map<number, Timeline>();
  try {
    for (;;) {
      const rows = await sql<{ t: string }>(`FETCH FORWARD ${BATCH} FROM ${cursor}`);
      const batch = rows.map((r) => timelineOfRow(r.t, range.from));
      if (opts.onBatch) opts.onBatch(batch);
      else for (const [id, t] of batch) out.set(id, t);
      if (rows.length < BATCH) break;
    }
  } finally {
    await sql(`CLOSE ${cursor}`).catch(() => undefined);
  }
  return out;
}
