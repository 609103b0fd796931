import type { Change, Rollup, Status, Summary } from '@sla/shared';
import { latestByEntity, patchEntities } from './entity-patch';

type Side = { status: Status; sla: number; target: number };

/** Share of a group meeting its targets; an empty group counts as fully compliant. */
export function complianceRatio(r: Pick<Rollup, 'total' | 'compliant'>): number {
  return r.total === 0 ? 1 : r.compliant / r.total;
}

/** Moves one entity from its old state (null: new entity) to its new state within a rollup. */
export function applyToRollup<R extends Rollup>(r: R, before: Side | null, after: Side): R {
  const total = r.total + (before ? 0 : 1);
  const byStatus = { ...r.byStatus };
  if (before) byStatus[before.status] -= 1;
  byStatus[after.status] += 1;
  const met = (s: Side) => (s.sla >= s.target ? 1 : 0);
  const compliant = r.compliant - (before ? met(before) : 0) + met(after);
  const sum = (r.meanSla ?? 0) * r.total - (before ? before.sla : 0) + after.sla;
  // Rounded as the server rounds, so a refetch that agrees leaves objects (and renders) alone.
  return { ...r, total, byStatus, compliant, meanSla: total === 0 ? null : Math.round((sum / total) * 100) / 100 };
}

/** A change's before/after as rollup inputs; the target is the change's (targets rarely move). */
export function sides(c: Change): { before: Side | null; after: Side } {
  const after = { status: c.status, sla: c.currentSla, target: c.slaTarget };
  if (c.previousStatus === null) return { before: null, after };
  return { before: { status: c.previousStatus, sla: c.previousSla ?? 0, target: c.slaTarget }, after };
}

export type SummaryPatch = {
  summary: Summary;
  /** A change named a tenant or team the summary lacks: only a refetch can place it. */
  unknownGroup: boolean;
};

/**
 * Applies a batch of changes to the overview's rollups so counts move the moment a change
 * arrives. Order is left alone: re-sorting on every frame would make cards and rows jump
 * under the reader (and move DOM nodes at 60 fps) during a burst, so tenants and teams are
 * re-ordered by the next (throttled) refetch, as are stale counts and the worst lists.
 */
export function patchSummary(summary: Summary, changes: readonly Change[]): SummaryPatch {
  let unknownGroup = false;
  let overall = summary.overall;
  const tenants = [...summary.tenants];
  const touched = new Set<string>();
  for (const c of changes) {
    if (!c.applied) continue;
    const ti = tenants.findIndex((t) => t.tenantName === c.tenantName);
    const tenant = tenants[ti];
    const teamIndex = tenant ? tenant.teams.findIndex((t) => t.teamName === c.teamName) : -1;
    const team = tenant?.teams[teamIndex];
    if (!tenant || !team) {
      unknownGroup = true;
      continue;
    }
    const { before, after } = sides(c);
    overall = applyToRollup(overall, before, after);
    const teams = [...tenant.teams];
    teams[teamIndex] = applyToRollup(team, before, after);
    tenants[ti] = { ...applyToRollup(tenant, before, after), teams };
    touched.add(c.tenantName);
  }
  if (touched.size === 0) return { summary, unknownGroup };
  const latest = latestByEntity(changes);
  // Untouched tenants keep their identity so memoised sections skip re-rendering.
  const patched = tenants.map((t) => {
    if (!touched.has(t.tenantName)) return t;
    const teams = t.teams.map((team) => {
      const worst = patchEntities(team.worst, latest);
      return worst === team.worst ? team : { ...team, worst };
    });
    return { ...t, worst: patchEntities(t.worst, latest), teams };
  });
  return { summary: { ...summary, overall, tenants: patched }, unknownGroup };
}

/**
 * Changes whenever a number the reader sees changes (mean SLA at its displayed precision):
 * drives the brief highlight, so a refetch that only re-rounds a mean does not flash.
 */
export const rollupToken = (r: Rollup): string =>
  `${r.total}:${r.compliant}:${r.stale}:${r.byStatus.Failed}:${r.byStatus.AtRisk}:${r.byStatus.NoData}:${r.meanSla?.toFixed(1)}`;
