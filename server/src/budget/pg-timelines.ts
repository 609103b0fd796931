import { STATUSES } from '@sla/shared';
import type { ReadRows } from '../db/copy-out.js';
import { appendResult, pruneBefore } from '../domain/budget/timeline.js';
import type { Timeline } from '../domain/budget/types.js';

/** Which entities to read: all, one tenant's (and team's), or the listed ids; filters combine. */
export type TimelineFilter = { tenantName?: string; teamName?: string; entityIds?: readonly number[] };

/** The time range the timelines must cover, epoch ms `[from, to)`: results from `to` on are ignored. */
export type TimelineRange = { from: number; to: number };

/** A status as a number in the SQL (an index into STATUSES), so every field read is a number. */
const STATUS_CODE = `CASE status ${STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;
/**
 * Times as whole epoch ms (ingest stores millisecond times): `date_part` is float8 arithmetic,
 * where `extract` (numeric since PostgreSQL 14) cost a second per 3,000,000 rows more.
 */
const FIELDS = `entity_id, (date_part('epoch', observed_at) * 1000)::int8, ${STATUS_CODE}, current_sla, sla_target`;

/** The WHERE terms and parameters of `filter` on a table aliased `alias` (`id` column: `idColumn`). */
function filterTerms(filter: TimelineFilter, alias: string, idColumn: string) {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  if (filter.tenantName !== undefined) {
    terms.push(`${alias}.tenant_name = ?::text`);
    params.push(filter.tenantName);
  }
  if (filter.teamName !== undefined) {
    terms.push(`${alias}.team_name = ?::text`);
    params.push(filter.teamName);
  }
  if (filter.entityIds !== undefined) {
    terms.push(`${alias}.${idColumn} = ANY(?::int[])`);
    params.push(`{${filter.entityIds.map((n) => Math.trunc(n)).join(',')}}`);
  }
  return { terms, params };
}

/**
 * The budget timelines of the entities `filter` names as of `range.to`, holding the segments
 * that end after `range.from`, built by the same fold the budget book applies to live
 * changes (`appendResult`), so a rebuild and the incremental path cannot disagree. Two reads
 * in the caller's snapshot (`read` from `rowReader`, db/copy-out.ts):
 * 1. each entity's latest applied result before `range.from` (one index probe per entity on
 *    `(entity_id, observed_at)`): it holds into the range; it stands in for the entity's first
 *    observation, which only matters inside the range (counting starts there anyway);
 * 2. every applied result in `[from, to)` in commit (id) order — no sort of the log, which
 *    was most of the time when timelines were built in SQL (15 s for 3,000,000 results
 *    against 4 s now; docs/benchmarks.md "Budget state").
 * Applied results ascend in `observedAt` per entity (stale ones are not applied), so the
 * fold sees each entity's results in order. One exception: a forced older result (`replace`)
 * committed after a result inside the range, whose `observedAt` is before the range yet later
 * than every other result there, is taken as the result holding at `from` (the live fold
 * ignored it): the class of `[from, first result in range)` may then differ. `staleAfterMs` is the stale time the book uses.
 * @throws DatabaseUnavailable when PostgreSQL is (through the transaction).
 */
export async function timelinesFromLog(
  read: ReadRows,
  filter: TimelineFilter,
  range: TimelineRange,
  opts: { staleAfterMs: number },
): Promise<Map<number, Timeline>> {
  const out = new Map<number, Timeline>();
  const fold = (f: string[]) => {
    const id = Number(f[0]);
    const result = {
      observedAt: Number(f[1]),
      status: STATUSES[Number(f[2])] as (typeof STATUSES)[number],
      currentSla: Number(f[3]),
      slaTarget: Number(f[4]),
    };
    out.set(id, appendResult(out.get(id) ?? null, result, opts.staleAfterMs));
  };
  const from = new Date(range.from).toISOString();
  const to = new Date(range.to).toISOString();
  const entities = filterTerms(filter, 'e', 'id');
  await read(
    `SELECT b.* FROM sla_entity e CROSS JOIN LATERAL (
       SELECT ${FIELDS} FROM sla_change
        WHERE entity_id = e.id AND applied AND observed_at < ?::timestamptz ORDER BY observed_at DESC LIMIT 1) b
      ${entities.terms.length ? `WHERE ${entities.terms.join(' AND ')}` : ''}`,
    [from, ...entities.params],
    fold,
  );
  const changes = filterTerms(filter, 'c', 'entity_id');
  await read(
    `SELECT ${FIELDS} FROM sla_change c
      WHERE ${['applied', 'observed_at >= ?::timestamptz', 'observed_at < ?::timestamptz', ...changes.terms].join(' AND ')}
      ORDER BY id`,
    [from, to, ...changes.params],
    fold,
  );
  for (const t of out.values()) pruneBefore(t, range.from);
  return out;
}
