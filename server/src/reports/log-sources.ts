import { timelinesFromLog } from '../budget/pg-timelines.js';
import { rowReader } from '../db/copy-out.js';
import type { Db } from '../db/sql.js';
import type { Interval, Timeline } from '../domain/budget/index.js';
import type { ReportEntity, ReportScope, ReportSources } from './sources.js';

const SCOPE = 'tenant_name = ? AND (?::text IS NULL OR team_name = ?) AND (?::int IS NULL OR id = ?)';
const scopeParams = (s: ReportScope) => [
  s.tenantName,
  s.teamName ?? null,
  s.teamName ?? null,
  s.entityId ?? null,
  s.entityId ?? null,
];

/**
 * Timelines of a scope read from the change log for `range`, in one read-only snapshot:
 * the scope's entities, then their timelines by `timelinesFromLog` (budget/pg-timelines.ts,
 * the fold the budget book applies: each entity's last applied result before the range and
 * every applied result inside it, streamed with COPY on PostgreSQL). JIT is off for the
 * read: its compilation cost more than the queries.
 */
export async function timelinesFromChangeLog(
  tx: Db['snapshotTx'],
  scope: ReportScope,
  range: Interval,
  staleAfterMs: number,
): Promise<{ entity: ReportEntity; timeline: Timeline | null }[]> {
  return tx(async (sql, copy) => {
    await sql('SET LOCAL jit = off');
    const entities = await sql<ReportEntity>(
      `SELECT id, tenant_name AS "tenantName", team_name AS "teamName", entity_type AS "entityType",
              entity_name AS "entityName"
         FROM sla_entity WHERE ${SCOPE} ORDER BY id`,
      scopeParams(scope),
    );
    const filter = {
      tenantName: scope.tenantName,
      ...(scope.teamName !== undefined && { teamName: scope.teamName }),
      ...(scope.entityId !== undefined && { entityIds: [scope.entityId] }),
    };
    const timelines = await timelinesFromLog(
      rowReader(sql, copy),
      filter,
      { from: range[0], to: range[1] },
      {
        staleAfterMs,
      },
    );
    return entities.map((entity) => ({ entity, timeline: timelines.get(entity.id) ?? null }));
  });
}

/**
 * Report sources that read everything from PostgreSQL: timelines from the change log,
 * tenants from the entity table, fixed settings and no maintenance windows. The interim
 * wiring until the budget book and the policy store are handed in (bootstrap.ts).
 */
export function changeLogSources(
  db: Pick<Db, 'sql' | 'snapshotTx'>,
  o: { staleAfterMs: number; settings: ReturnType<ReportSources['settingsOf']> },
): ReportSources {
  return {
    timelines: (scope, range) => timelinesFromChangeLog(db.snapshotTx, scope, range, o.staleAfterMs),
    settingsOf: () => o.settings,
    windows: () => [],
    staleAfterMs: o.staleAfterMs,
    policyVersion: () => 'fixed',
    tenants: async () =>
      (await db.sql<{ t: string }>('SELECT DISTINCT tenant_name AS t FROM sla_entity ORDER BY 1')).map((r) => r.t),
  };
}
