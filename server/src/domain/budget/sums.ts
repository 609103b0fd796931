import { IntervalCursor, mergeIntervals } from './intervals.js';
import { forEachPart, targetAt } from './timeline.js';
import type { BudgetSums, CountingPolicy, Exclusion, Interval, Timeline } from './types.js';

/** Sums of nothing over `[from, to)` (epoch ms): the start of a rollup. */
export const emptySums = (from: number, to: number): BudgetSums => ({
  from,
  to,
  countedMs: 0,
  breachMs: 0,
  excludedMs: 0,
  noDataMs: 0,
  allowedMs: 0,
  slaMs: 0,
  reportedMs: 0,
  targetMs: 0,
  target: null,
});

/**
 * `a + b` for a time-weighted rollup (docs/budgets.md "Rollups"): every duration and weight is
 * summed; `from`/`to` span both; `target` is kept only when both agree (an empty side — nothing
 * counted and no target — does not disagree). Returns a new object.
 */
export function addSums(a: BudgetSums, b: BudgetSums): BudgetSums {
  const aEmpty = a.target === null && a.countedMs === 0;
  const bEmpty = b.target === null && b.countedMs === 0;
  return {
    from: Math.min(a.from, b.from),
    to: Math.max(a.to, b.to),
    countedMs: a.countedMs + b.countedMs,
    breachMs: a.breachMs + b.breachMs,
    excludedMs: a.excludedMs + b.excludedMs,
    noDataMs: a.noDataMs + b.noDataMs,
    allowedMs: a.allowedMs + b.allowedMs,
    slaMs: a.slaMs + b.slaMs,
    reportedMs: a.reportedMs + b.reportedMs,
    targetMs: a.targetMs + b.targetMs,
    target: aEmpty ? b.target : bEmpty ? a.target : a.target === b.target ? a.target : null,
  };
}

/**
 * Budget sums of one timeline over `range = [from, to)` (epoch ms), exactly as
 * docs/budgets.md defines them:
 * - only time from `t.firstObservedAt` (and still held: see `Timeline.horizon`) up to `now` is
 *   looked at; a `to` after `now` is cut at `now`;
 * - `exclusions` (any order, may overlap) are counted once (`excludedMs`);
 * - `nodata`/`stale` time not excluded is `noDataMs`, and counts per `policy.noDataPolicy`:
 *   not at all (`exclude`), as breach (`bad`) or as met (`good`); `stale` starts
 *   `policy.staleAfterMs` after the open result;
 * - `allowedMs` = (100 − target) / 100 × counted, with the target in effect at `to` (the latest
 *   applied result before `to`, see `targetAt`); `targetMs` = target × counted;
 * - `slaMs`/`reportedMs`: currentSla × ms and ms over counted `good`/`bad` time.
 * O(log segments + segments in range + exclusions log exclusions).
 */
export function sumsOver(
  t: Timeline,
  range: Interval,
  exclusions: readonly Exclusion[],
  policy: CountingPolicy,
  now: number,
): BudgetSums {
  const [from, to] = range;
  const sums = emptySums(from, to);
  const target = targetAt(t, to);
  sums.target = target;
  const start = Math.max(from, t.firstObservedAt);
  const end = Math.min(to, now);
  if (end <= start || target === null) return sums;
  const cursor = new IntervalCursor(mergeIntervals(exclusions, start, end));
  const noData = policy.noDataPolicy;
  forEachPart(t, start, end, policy.staleAfterMs, (s, e, cls, _target, slaMs) => {
    const excluded = cursor.overlap(s, e);
    sums.excludedMs += excluded;
    const kept = e - s - excluded;
    if (kept === 0) return;
    if (cls === 'good' || cls === 'bad') {
      sums.countedMs += kept;
      sums.reportedMs += kept;
      sums.slaMs += (slaMs * kept) / (e - s);
      if (cls === 'bad') sums.breachMs += kept;
      return;
    }
    sums.noDataMs += kept;
    if (noData === 'exclude') return;
    sums.countedMs += kept;
    if (noData === 'bad') sums.breachMs += kept;
  });
  sums.allowedMs = ((100 - target) / 100) * sums.countedMs;
  sums.targetMs = target * sums.countedMs;
  return sums;
}
