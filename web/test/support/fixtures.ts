import type { Change, Entity, Rollup, Summary, TeamSummary, TenantSummary } from '@sla/shared';

export function entity(over: Partial<Entity> = {}): Entity {
  return {
    id: 1,
    tenantName: 'Data Engineering',
    teamName: 'PGM',
    entityType: 'table',
    entityName: 'user_activity_table',
    slaTarget: 95,
    currentSla: 96,
    status: 'Passed',
    statusSince: '2025-01-01T00:00:00.000Z',
    observedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    version: 10,
    stale: false,
    ...over,
  };
}

export function change(over: Partial<Change> = {}): Change {
  return {
    id: 11,
    entityId: 1,
    tenantName: 'Data Engineering',
    teamName: 'PGM',
    entityType: 'table',
    entityName: 'user_activity_table',
    previousSla: 96,
    previousStatus: 'Passed',
    currentSla: 80,
    status: 'Failed',
    slaTarget: 95,
    observedAt: '2025-01-02T00:00:00.000Z',
    receivedAt: '2025-01-02T00:00:01.000Z',
    applied: true,
    source: 'test',
    ...over,
  };
}

export function rollup(over: Partial<Rollup> = {}): Rollup {
  return {
    total: 0,
    byStatus: { Passed: 0, Failed: 0, AtRisk: 0, NoData: 0 },
    compliant: 0,
    meanSla: null,
    stale: 0,
    ...over,
  };
}

/** Builds a consistent summary from entities, the way the server would (worst lists aside). */
export function summaryOf(entities: Entity[]): Summary {
  const roll = (es: Entity[]): Rollup => {
    const r = rollup({ total: es.length });
    for (const e of es) {
      r.byStatus[e.status] += 1;
      if (e.currentSla >= e.slaTarget) r.compliant += 1;
      if (e.stale) r.stale += 1;
    }
    // Rounded to hundredths, as the server's rollups are.
    r.meanSla = es.length === 0 ? null : Math.round((es.reduce((s, e) => s + e.currentSla, 0) / es.length) * 100) / 100;
    return r;
  };
  const tenants = [...new Set(entities.map((e) => e.tenantName))].map((tenantName): TenantSummary => {
    const mine = entities.filter((e) => e.tenantName === tenantName);
    const teams = [...new Set(mine.map((e) => e.teamName))].map(
      (teamName): TeamSummary => ({ ...roll(mine.filter((e) => e.teamName === teamName)), teamName, worst: [] }),
    );
    return { ...roll(mine), tenantName, teams, worst: mine.slice(0, 5) };
  });
  return { overall: roll(entities), tenants, staleAfterMinutes: 60 };
}
