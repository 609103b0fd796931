import type { NoDataPolicy, Status, WindowCategory, WindowScope } from '@sla/shared';
import {
  type AppliedResult,
  appendResult,
  type ScopedWindow,
  type Timeline,
} from '../../../src/domain/budget/index.js';
import type { ReportEntity, ReportSources } from '../../../src/reports/sources.js';

/** An entity and its applied results, as a test dataset lists them. */
export type Seeded = {
  entity: ReportEntity;
  results: [iso: string, status: Status, currentSla: number, target: number][];
};

/** A one-off window from ISO times. */
export const oneOff = (
  start: string,
  end: string,
  category: WindowCategory,
  scope: Partial<WindowScope> & { tenantName: string },
): ScopedWindow => ({
  start: Date.parse(start),
  end: Date.parse(end),
  rrule: null,
  timeZone: 'UTC',
  until: null,
  category,
  scope: { teamName: null, entityType: null, entityId: null, ...scope },
});

/**
 * Report sources over timelines built in memory with `appendResult` (the way the budget
 * book builds them), with fixed settings and windows. `policyVersion` follows `state.version`.
 */
export function memorySources(
  seeded: Seeded[],
  o: { windows?: ScopedWindow[]; staleAfterMs: number; timeZone?: string; noDataPolicy?: NoDataPolicy },
): ReportSources & { state: { windows: ScopedWindow[]; seeded: Seeded[]; version: number } } {
  const state = { windows: o.windows ?? [], seeded, version: 1 };
  const timelineOf = (s: Seeded): Timeline | null => {
    let t: Timeline | null = null;
    for (const [iso, status, currentSla, slaTarget] of s.results) {
      const r: AppliedResult = { observedAt: Date.parse(iso), status, currentSla, slaTarget };
      t = appendResult(t, r, o.staleAfterMs);
    }
    return t;
  };
  return {
    state,
    async timelines(scope) {
      return state.seeded
        .filter(
          (s) =>
            s.entity.tenantName === scope.tenantName &&
            (scope.teamName === undefined || s.entity.teamName === scope.teamName) &&
            (scope.entityId === undefined || s.entity.id === scope.entityId),
        )
        .map((s) => ({ entity: s.entity, timeline: timelineOf(s) }));
    },
    settingsOf: () => ({ timeZone: o.timeZone ?? 'UTC', noDataPolicy: o.noDataPolicy ?? 'exclude' }),
    windows: () => state.windows,
    staleAfterMs: o.staleAfterMs,
    policyVersion: () => String(state.version),
    tenants: async () => [...new Set(state.seeded.map((s) => s.entity.tenantName))].sort(),
  };
}
