import { type Report, type ReportRevision, ZReport } from '@sla/shared';
import type { Sql } from '../db/sql.js';

/**
 * The store of closed reports, table `sla_report_snapshot` (db/entities.ts): rows are only
 * ever inserted. Revision n+1 is inserted only if n is still the latest — the primary key
 * (tenant, scope, period, revision) refuses a second writer of the same revision, so two
 * pods closing the same period at once leave exactly one revision.
 */

/** The scope key of a report: `tenant`, `team:<name>` or `entity:<id>`. */
export const scopeKey = (s: { teamName?: string | null | undefined; entityId?: number | null | undefined }): string =>
  s.entityId != null ? `entity:${s.entityId}` : s.teamName != null ? `team:${s.teamName}` : 'tenant';

export type SnapshotKey = { tenantName: string; scope: string; period: string };

/** One stored revision with its report. */
export type Snapshot = ReportRevision & { report: Report };

type Row = { revision: number; content_hash: string; reason: string; created_at: Date | string; content: unknown };

const toIso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const toRevision = (r: Omit<Row, 'content'>): ReportRevision => ({
  revision: Number(r.revision),
  contentHash: r.content_hash,
  reason: r.reason,
  createdAt: toIso(r.created_at),
});
const toSnapshot = (r: Row): Snapshot => ({
  ...toRevision(r),
  report: ZReport.parse(typeof r.content === 'string' ? JSON.parse(r.content) : r.content),
});

const COLUMNS = 'revision, content_hash, reason, created_at, content';
const KEY = 'tenant_name = ? AND scope = ? AND period = ?';
const keyParams = (k: SnapshotKey) => [k.tenantName, k.scope, k.period];

/** The latest revision of a period's report, or null when it was never closed. */
export async function latestSnapshot(sql: Sql, k: SnapshotKey): Promise<Snapshot | null> {
  const [row] = await sql<Row>(
    `SELECT ${COLUMNS} FROM sla_report_snapshot WHERE ${KEY} ORDER BY revision DESC LIMIT 1`,
    keyParams(k),
  );
  return row ? toSnapshot(row) : null;
}

/** One revision, or null when there is no such revision. */
export async function snapshotAt(sql: Sql, k: SnapshotKey, revision: number): Promise<Snapshot | null> {
  const [row] = await sql<Row>(`SELECT ${COLUMNS} FROM sla_report_snapshot WHERE ${KEY} AND revision = ?`, [
    ...keyParams(k),
    revision,
  ]);
  return row ? toSnapshot(row) : null;
}

/** Every revision of a period's report, oldest first (without the contents). */
export async function listRevisions(sql: Sql, k: SnapshotKey): Promise<ReportRevision[]> {
  const rows = await sql<Omit<Row, 'content'>>(
    `SELECT revision, content_hash, reason, created_at FROM sla_report_snapshot WHERE ${KEY} ORDER BY revision`,
    keyParams(k),
  );
  return rows.map(toRevision);
}

/**
 * Inserts `report` (already marked closed with `revision` and `contentHash`) as revision
 * `report.revision`. Returns false when that revision exists already (another pod wrote it
 * first): the caller then reads what is there instead.
 */
export async function insertSnapshot(sql: Sql, k: SnapshotKey, report: Report, reason: string): Promise<boolean> {
  const rows = await sql(
    `INSERT INTO sla_report_snapshot
       (tenant_name, scope, period, revision, period_from, period_to, content, content_hash, reason, created_at)
     VALUES (?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::jsonb, ?, ?, ?::timestamptz)
     ON CONFLICT DO NOTHING RETURNING revision`,
    [
      ...keyParams(k),
      report.revision,
      report.from,
      report.to,
      JSON.stringify(report),
      report.contentHash,
      reason.slice(0, 256),
      report.generatedAt,
    ],
  );
  return rows.length === 1;
}

/** The latest revision of every report whose period ended at or after `since` (ms), without contents. */
export async function recentSnapshots(
  sql: Sql,
  since: number,
): Promise<(SnapshotKey & ReportRevision & { periodTo: number })[]> {
  const rows = await sql<
    Omit<Row, 'content'> & { tenant_name: string; scope: string; period: string; period_to: Date | string }
  >(
    `SELECT DISTINCT ON (tenant_name, scope, period) tenant_name, scope, period, period_to, revision, content_hash, reason, created_at
       FROM sla_report_snapshot WHERE period_to >= ?::timestamptz
      ORDER BY tenant_name, scope, period, revision DESC`,
    [new Date(since).toISOString()],
  );
  return rows.map((r) => ({
    tenantName: r.tenant_name,
    scope: r.scope,
    period: r.period,
    periodTo: Date.parse(toIso(r.period_to)),
    ...toRevision(r),
  }));
}
