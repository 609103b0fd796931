import type { Status } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import { appendResult, type Interval, type Timeline } from '../domain/budget/index.js';
import type { ReportEntity, ReportScope, ReportSources } from './sources.js';

type Row = ReportEntity & {
  observed_ms: string | number | null;
  status: string | null;
  current_sla: number | null;
  sla_target: number | null;
};

/**
 * Timelines of a scope read from the change log for `range`: each entity's last applied
 * result before `range[0]` (which holds into the range) and every applied result inside it,
 * in `observedAt` order. One query; the first observation before the range stands in for
 * the entity's first one (counting only starts inside the range anyway).
 */
export async function timelinesFromChangeLog(
  sql: Sql,
  scope: ReportScope,
  range: Interval,
  staleAfterMs: number,
): Promise<{ entity: ReportEntity; timeline: Timeline | null }[]> {
  const [from, to] = range.map((ms) => new Date(ms).toISOString());
  const rows = await sql<Row>(
    `WITH e AS (
       SELECT id, tenant_name, team_name, entity_type, entity_name FROM sla_entity
        WHERE tenant_name = ? AND (?::text IS NULL OR team_name = ?) AND (?::int IS NULL OR id = ?)
     ), c AS (
       SELECT * FROM (SELECT DISTINCT ON (ch.entity_id) ch.entity_id, ch.observed_at, ch.status, ch.current_sla, ch.sla_target
                        FROM sla_change ch JOIN e ON e.id = ch.entity_id
                       WHERE ch.applied AND ch.observed_at < ?::timestamptz
                       ORDER BY ch.entity_id, ch.observed_at DESC) before
       UNION ALL
       SELECT ch.entity_id, ch.observed_at, ch.status, ch.current_sla, ch.sla_target
         FROM sla_change ch JOIN e ON e.id = ch.entity_id
        WHERE ch.applied AND ch.observed_at >= ?::timestamptz AND ch.observed_at < ?::timestamptz
     )
     SELECT e.id, e.tenant_name AS "tenantName", e.team_name AS "teamName", e.entity_type AS "entityType",
            e.entity_name AS "entityName", (extract(epoch FROM c.observed_at) * 1000)::bigint AS observed_ms,
            c.status, c.current_sla, c.sla_target
       FROM e LEFT JOIN c ON c.entity_id = e.id
      ORDER BY e.id, c.observed_at`,
    [
      scope.tenantName,
      scope.teamName ?? null,
      scope.teamName ?? null,
      scope.entityId ?? null,
      scope.entityId ?? null,
      from,
      from,
      to,
    ],
  );
  const out: { entity: ReportEntity; timeline: Timeline | null }[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (!last || last.entity.id !== r.id) {
      last = {
        entity: {
          id: r.id,
          tenantName: r.tenantName,
          teamName: r.teamName,
          entityType: r.entityType,
          entityName: r.entityName,
        },
        timeline: null,
      };
      out.push(last);
    }
    if (r.observed_ms === null || r.status === null) continue;
    last.timeline = appendResult(
      last.timeline,
      {
        observedAt: Number(r.observed_ms),
        status: r.status as Status,
        currentSla: Number(r.current_sla),
        slaTarget: Number(r.sla_target),
      },
      staleAfterMs,
    );
  }
  return out;
}

/**
 * Report sources that read everything from PostgreSQL: timelines from the change log,
 * tenants from the entity table, fixed settings and no maintenance windows. The interim
 * wiring until the budget book and the policy store are handed in (bootstrap.ts).
 */
export function changeLogSources(
  sql: Sql,
  o: { staleAfterMs: number; settings: ReturnType<ReportSources['settingsOf']> },
): ReportSources {
  return {
    timelines: (scope, range) => timelinesFromChangeLog(sql, scope, range, o.staleAfterMs),
    settingsOf: () => o.settings,
    windows: () => [],
    staleAfterMs: o.staleAfterMs,
    policyVersion: () => 'fixed',
    tenants: async () =>
      (await sql<{ t: string }>('SELECT DISTINCT tenant_name AS t FROM sla_entity ORDER BY 1')).map((r) => r.t),
  };
}
