import type { Report, ReportInput, ReportRevision } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import { periodState } from '../domain/budget/index.js';
import { AppError, unknownTenant } from '../platform/errors.js';
import { buildReport, reportPeriod } from './build.js';
import { reportHash } from './canonical.js';
import { rollupRows } from './rollup.js';
import { insertSnapshot, latestSnapshot, listRevisions, type Snapshot, scopeKey, snapshotAt } from './snapshots.js';
import type { ReportSources } from './sources.js';

/** What serving reports needs. */
export type ReportsDeps = {
  sources: ReportSources;
  /** Sources for provisional reports (the in-memory budget book where it holds the period); `sources` when unset. */
  provisionalSources?: ReportSources;
  sql: Sql;
  /** REPORT_GRACE_HOURS in ms: how long after its end a period stays provisional. */
  graceMs: number;
  now?: () => number;
};

/** The reason recorded with the first revision of a period. */
export const FIRST_REASON = 'closed';

/**
 * A report (`reports.get`): a period still open (or within its grace time) is computed now
 * and answered `provisional`; a closed period is answered from its snapshot — the latest
 * revision, or `input.revision` — as `closed` with its revision and content hash. Only
 * whole-tenant reports are snapshotted: a team's or an entity's report of a closed period
 * is that part of the tenant snapshot's rows, its summary rolled up from them, and carries
 * the tenant snapshot's revision and a hash of its own content. A closed period nobody has
 * snapshotted yet (the closer runs every few minutes) is closed on this request.
 * @throws AppError BAD_INPUT naming `period` (malformed, future) or `revision` (period not
 *   closed); NOT_FOUND naming `tenantName`, `teamName`, `entityId` or `revision`.
 */
export async function getReport(d: ReportsDeps, input: ReportInput): Promise<Report> {
  const now = (d.now ?? Date.now)();
  const settings = d.sources.settingsOf(input.tenantName);
  const period = reportPeriod(input.period, settings.timeZone, now);
  const scope = { tenantName: input.tenantName, teamName: input.teamName, entityId: input.entityId };
  if (periodState(period, now, d.graceMs) === 'provisional') {
    if (input.revision !== undefined)
      throw new AppError(
        'BAD_INPUT',
        `revision: period ${period.label} is still provisional (it closes ${new Date(period.to + d.graceMs).toISOString()}); leave revision out`,
      );
    return buildReport(d.provisionalSources ?? d.sources, { ...scope, period: period.label }, now);
  }
  const key = { tenantName: input.tenantName, scope: scopeKey({}), period: period.label };
  const snap =
    input.revision !== undefined
      ? await snapshotAt(d.sql, key, input.revision)
      : ((await latestSnapshot(d.sql, key)) ?? (await closePeriod(d, input.tenantName, period.label, now)));
  if (!snap)
    throw new AppError(
      'NOT_FOUND',
      `revision: period ${period.label} of tenant ${JSON.stringify(input.tenantName)} has no revision ${input.revision}`,
    );
  return partOf(snap.report, scope);
}

/**
 * The revisions of a closed period's tenant report, oldest first (empty while none was made).
 * @throws AppError NOT_FOUND naming `tenantName` for a tenant with no entity (as the report
 *   itself answers), BAD_INPUT naming `period`, UNAVAILABLE.
 */
export async function reportRevisions(
  d: ReportsDeps,
  input: Pick<ReportInput, 'tenantName' | 'period'>,
): Promise<ReportRevision[]> {
  if (!(await d.sources.tenants()).includes(input.tenantName)) throw unknownTenant(input.tenantName);
  const now = (d.now ?? Date.now)();
  const period = reportPeriod(input.period, d.sources.settingsOf(input.tenantName).timeZone, now);
  return listRevisions(d.sql, { tenantName: input.tenantName, scope: scopeKey({}), period: period.label });
}

/**
 * Closes a period's tenant report as revision 1 (the closer, or the first request after the
 * grace time). Two pods closing at once leave one revision: the loser reads the winner's.
 */
export async function closePeriod(
  d: ReportsDeps,
  tenantName: string,
  period: string,
  now: number,
): Promise<Snapshot & { inserted: boolean }> {
  const key = { tenantName, scope: scopeKey({}), period };
  const report = sealed(await buildReport(d.sources, { tenantName, period }, now), 1);
  if (await insertSnapshot(d.sql, key, report, FIRST_REASON))
    return {
      revision: 1,
      contentHash: report.contentHash ?? '',
      reason: FIRST_REASON,
      createdAt: report.generatedAt,
      report,
      inserted: true,
    };
  const existing = await latestSnapshot(d.sql, key);
  if (!existing) throw new Error(`snapshot of ${tenantName} ${period} neither inserted nor found`);
  return { ...existing, inserted: false };
}

/** `report` as the closed revision `revision`, with its content hash. */
export function sealed(report: Report, revision: number): Report {
  return { ...report, state: 'closed', revision, contentHash: reportHash(report) };
}

/**
 * The part of a closed tenant report a scope asks for: its rows and their rollup, with the
 * tenant snapshot's revision and a hash of this content. The whole tenant: the report itself.
 * @throws AppError NOT_FOUND naming `teamName` or `entityId` when no row matches.
 */
export function partOf(
  report: Report,
  scope: { teamName?: string | undefined; entityId?: number | undefined },
): Report {
  if (scope.teamName === undefined && scope.entityId === undefined) return report;
  const rows = report.rows.filter(
    (r) =>
      (scope.teamName === undefined || r.teamName === scope.teamName) &&
      (scope.entityId === undefined || r.entityId === scope.entityId),
  );
  if (rows.length === 0)
    throw new AppError(
      'NOT_FOUND',
      scope.entityId !== undefined
        ? `entityId: no entity ${scope.entityId} in the ${report.period} report of tenant ${JSON.stringify(report.tenantName)}`
        : `teamName: no team ${JSON.stringify(scope.teamName)} in the ${report.period} report of tenant ${JSON.stringify(report.tenantName)}`,
    );
  const part: Report = {
    ...report,
    teamName: scope.teamName ?? null,
    entityId: scope.entityId ?? null,
    summary: rollupRows(rows, report.from, report.to),
    rows,
  };
  return { ...part, contentHash: reportHash(part) };
}
