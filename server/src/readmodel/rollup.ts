import type { Rollup, StatusCounts } from '@sla/shared';

/** Additive counters of a group; kept up to date by subtracting an old state and adding the new. */
export type Counters = { total: number; byStatus: StatusCounts; compliant: number; slaSum: number };

/** Counters of an empty group. */
export const emptyCounters = (): Counters => ({
  total: 0,
  byStatus: { Passed: 0, Failed: 0, AtRisk: 0, NoData: 0 },
  compliant: 0,
  slaSum: 0,
});

/** The wire rollup of counters: mean SLA rounded to 2 decimals (null for an empty group); `stale` counted by the caller. */
export const toRollup = (c: Counters, stale: number): Rollup => ({
  total: c.total,
  byStatus: { ...c.byStatus },
  compliant: c.compliant,
  meanSla: c.total > 0 ? Math.round((c.slaSum / c.total) * 100) / 100 : null,
  stale,
});

/** Worst first: lowest share of compliant entities, then most failing, then lowest mean SLA. */
export function worstFirst(a: Rollup, b: Rollup): number {
  const ra = a.total ? a.compliant / a.total : 1;
  const rb = b.total ? b.compliant / b.total : 1;
  if (ra !== rb) return ra - rb;
  if (a.byStatus.Failed !== b.byStatus.Failed) return b.byStatus.Failed - a.byStatus.Failed;
  return (a.meanSla ?? 100) - (b.meanSla ?? 100);
}
