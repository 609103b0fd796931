import type { Interval } from './types.js';

/**
 * Interval arithmetic on half-open `[start, end)` epoch-ms intervals, shared by sums,
 * breaches and exclusions.
 */

/**
 * The union of `intervals` clipped to `[from, to)`, as disjoint ascending intervals with
 * touching ones joined. Input in any order, may overlap; empty intervals are dropped.
 * O(n log n) for the sort.
 */
export function mergeIntervals(
  intervals: readonly { readonly start: number; readonly end: number }[],
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): Interval[] {
  const clipped: [number, number][] = [];
  if (intervals.length === 0) return clipped;
  for (const i of intervals) {
    const s = Math.max(i.start, from);
    const e = Math.min(i.end, to);
    if (e > s) clipped.push([s, e]);
  }
  clipped.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const c of clipped) {
    const last = out[out.length - 1];
    if (last && c[0] <= last[1]) last[1] = Math.max(last[1], c[1]);
    else out.push(c);
  }
  return out;
}

/** Total length (ms) of disjoint intervals. */
export const totalLength = (intervals: readonly Interval[]): number =>
  intervals.reduce((sum, [s, e]) => sum + (e - s), 0);

/**
 * Walks ascending, disjoint intervals (e.g. merged exclusions) alongside ascending queries:
 * each query `[s, e)` must not start before the previous query's start. Amortised O(1)
 * per query plus the intervals it touches, so a whole timeline sweep is O(segments + intervals).
 */
export class IntervalCursor {
  private i = 0;
  constructor(private readonly intervals: readonly Interval[]) {}

  /** Milliseconds of `[s, e)` covered by the intervals. */
  overlap(s: number, e: number): number {
    const xs = this.intervals;
    while (this.i < xs.length && (xs[this.i] as Interval)[1] <= s) this.i++;
    let sum = 0;
    for (let k = this.i; k < xs.length; k++) {
      const [a, b] = xs[k] as Interval;
      if (a >= e) break;
      sum += Math.min(b, e) - Math.max(a, s);
    }
    return sum;
  }

  /** The parts of `[s, e)` not covered by the intervals, ascending. */
  uncovered(s: number, e: number): Interval[] {
    const xs = this.intervals;
    while (this.i < xs.length && (xs[this.i] as Interval)[1] <= s) this.i++;
    const out: Interval[] = [];
    let at = s;
    for (let k = this.i; k < xs.length && at < e; k++) {
      const [a, b] = xs[k] as Interval;
      if (a >= e) break;
      if (a > at) out.push([at, a]);
      at = Math.max(at, b);
    }
    if (at < e) out.push([at, e]);
    return out;
  }
}
