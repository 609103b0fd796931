import type { Status } from '@sla/shared';

export type SlaPoint = { t: number; sla: number; status: Status };
export type Interval = readonly [start: number, end: number];

/** A point breaches when it falls short of the target or the poller reported a failure. */
export const isBreach = (p: SlaPoint, target: number): boolean => p.sla < target || p.status === 'Failed';

/**
 * Time spans during which the entity was in breach: each starts at a breaching point and
 * ends at the next compliant one; a breach still running ends at `until` (usually now).
 * Points must be in time order.
 */
export function breachIntervals(points: readonly SlaPoint[], target: number, until: number): Interval[] {
  const out: Interval[] = [];
  let start: number | null = null;
  for (const p of points) {
    const breach = isBreach(p, target);
    if (breach && start === null) start = p.t;
    else if (!breach && start !== null) {
      out.push([start, p.t]);
      start = null;
    }
  }
  if (start !== null) out.push([start, Math.max(start, until)]);
  return out;
}

/** Share of [from, to] spent in breach, for the chart's text alternative. */
export function breachShare(intervals: readonly Interval[], from: number, to: number): number {
  if (to <= from) return 0;
  let inside = 0;
  for (const [s, e] of intervals) inside += Math.max(0, Math.min(e, to) - Math.max(s, from));
  return inside / (to - from);
}
