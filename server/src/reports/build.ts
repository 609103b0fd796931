import type { Report, ReportRow } from '@sla/shared';
import {
  breachesIn,
  type CountingPolicy,
  excludedByCategory,
  exclusionsFor,
  figuresOf,
  type Interval,
  type Period,
  PeriodError,
  parsePeriod,
  periodState,
  sumsOver,
  type Timeline,
} from '../domain/budget/index.js';
import { AppError, unknownTenant } from '../platform/errors.js';
import { budgetUsedPct, pctOrNull, roundMinutes, roundMs } from './precision.js';
import { rollupRows } from './rollup.js';
import type { ReportEntity, ReportScope, ReportSources } from './sources.js';

/** What a report is asked for: the scope and the period text (`2026-11`, `2026-Q4`). */
export type ReportQuery = ReportScope & { period: string };

/**
 * The period `text` in `timeZone`, refused when it cannot be reported on.
 * @throws AppError BAD_INPUT naming `period` for a malformed period or one that has not started.
 */
export function reportPeriod(text: string, timeZone: string, now: number): Period {
  let period: Period;
  try {
    period = parsePeriod(text, timeZone);
  } catch (err) {
    if (err instanceof PeriodError)
      throw new AppError('BAD_INPUT', err.problem === 'zone' ? `period: the tenant's ${err.message}` : err.message);
    throw err;
  }
  if (periodState(period, now, 0) === 'future')
    throw new AppError(
      'BAD_INPUT',
      `period ${period.label} has not started yet (it starts ${new Date(period.from).toISOString()}); ask for the current or an earlier period`,
    );
  return period;
}

/**
 * Computes a provisional compliance report (docs/budgets.md "Compliance reports") from the
 * timelines, settings and windows `sources` hands out, as of `now` (ms): one row per entity
 * of the scope that was observed before the period ended, ordered by team, entity type,
 * entity name and id (plain code-unit order, the same on every machine), numbers rounded
 * as `precision.ts` says, and the summary rolled up from the rows. The caller marks it
 * closed when it snapshots it.
 * @throws AppError BAD_INPUT naming `period` (malformed, or in the future);
 *   NOT_FOUND naming `tenantName`, `teamName` or `entityId` when the scope has no entity.
 */
export async function buildReport(sources: ReportSources, q: ReportQuery, now: number): Promise<Report> {
  const settings = sources.settingsOf(q.tenantName);
  const period = reportPeriod(q.period, settings.timeZone, now);
  const range: Interval = [period.from, period.to];
  const found = await sources.timelines(q, range);
  if (found.length === 0) throw notFound(q);
  const policy: CountingPolicy = { noDataPolicy: settings.noDataPolicy, staleAfterMs: sources.staleAfterMs };
  const windows = sources.windows();
  const rows: ReportRow[] = [];
  for (const { entity, timeline } of found)
    if (timeline && timeline.firstObservedAt < period.to)
      rows.push(reportRow(entity, timeline, { range, windows, policy, now }));
  rows.sort(byTeamTypeName);
  const from = new Date(period.from).toISOString();
  const to = new Date(period.to).toISOString();
  return {
    tenantName: q.tenantName,
    teamName: q.teamName ?? null,
    entityId: q.entityId ?? null,
    period: period.label,
    timeZone: settings.timeZone,
    from,
    to,
    state: 'provisional',
    revision: null,
    contentHash: null,
    generatedAt: new Date(now).toISOString(),
    noDataPolicy: settings.noDataPolicy,
    summary: rollupRows(rows, from, to),
    rows,
  };
}

type RowContext = {
  range: Interval;
  windows: ReturnType<ReportSources['windows']>;
  policy: CountingPolicy;
  now: number;
};

/** One entity's row: its figures over the period, breaches clipped to it, excluded minutes by category. */
export function reportRow(entity: ReportEntity, timeline: Timeline, c: RowContext): ReportRow {
  const exclusions = exclusionsFor(entity, c.windows, c.range);
  const f = figuresOf(sumsOver(timeline, c.range, exclusions, c.policy, c.now));
  const breaches = breachesIn(timeline, c.range, exclusions, c.policy, c.now).map(([start, end]) => ({
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    durationMs: end - start,
  }));
  // Only time already passed is excluded (as in the sums): a window later this period has not happened yet.
  const byCategory = excludedByCategory(
    [c.range[0], Math.min(c.range[1], c.now)],
    exclusions,
    timeline.firstObservedAt,
  );
  return {
    entityId: entity.id,
    tenantName: entity.tenantName,
    teamName: entity.teamName,
    entityType: entity.entityType,
    entityName: entity.entityName,
    target: pctOrNull(f.target),
    compliance: pctOrNull(f.compliance),
    meanReportedSla: pctOrNull(f.meanReportedSla),
    budgetUsedPct: budgetUsedPct(f.breachMs, f.allowedMs),
    countedMs: roundMs(f.countedMs),
    breachMs: roundMs(f.breachMs),
    excludedMs: roundMs(f.excludedMs),
    noDataMs: roundMs(f.noDataMs),
    allowedMs: roundMs(f.allowedMs),
    breaches,
    excludedMinutes: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, roundMinutes(v)])),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Team, entity type, entity name, then id: code-unit order, independent of locale. */
export const byTeamTypeName = (a: ReportRow, b: ReportRow): number =>
  cmp(a.teamName, b.teamName) ||
  cmp(a.entityType, b.entityType) ||
  cmp(a.entityName, b.entityName) ||
  a.entityId - b.entityId;

function notFound(q: ReportScope): AppError {
  if (q.entityId !== undefined)
    return new AppError('NOT_FOUND', `entityId: no entity ${q.entityId} in tenant ${JSON.stringify(q.tenantName)}`);
  if (q.teamName !== undefined)
    return new AppError(
      'NOT_FOUND',
      `teamName: no team ${JSON.stringify(q.teamName)} in tenant ${JSON.stringify(q.tenantName)}`,
    );
  return unknownTenant(q.tenantName);
}
