import { WINDOW_CATEGORIES, type WindowCategory } from '@sla/shared';
import { IntervalCursor, mergeIntervals, totalLength } from './intervals.js';
import { forEachPart } from './timeline.js';
import type { CountingPolicy, Exclusion, Interval, Timeline } from './types.js';

/**
 * Breach time of a timeline in `range = [from, to)` (epoch ms) not covered by `exclusions`, as
 * maximal ascending intervals (adjacent breach parts joined): `bad` time, plus `nodata`/`stale`
 * time when `policy.noDataPolicy` is `bad`. Only time from `t.firstObservedAt` up to `now`.
 */
export function breachesIn(
  t: Timeline,
  range: Interval,
  exclusions: readonly Exclusion[],
  policy: CountingPolicy,
  now: number,
): Interval[] {
  const start = Math.max(range[0], t.firstObservedAt);
  const end = Math.min(range[1], now);
  const out: [number, number][] = [];
  if (end <= start) return out;
  const cursor = new IntervalCursor(mergeIntervals(exclusions, start, end));
  const noDataIsBad = policy.noDataPolicy === 'bad';
  forEachPart(t, start, end, policy.staleAfterMs, (s, e, cls) => {
    if (cls !== 'bad' && !(noDataIsBad && cls !== 'good')) return;
    for (const [a, b] of cursor.uncovered(s, e)) {
      const last = out[out.length - 1];
      if (last && last[1] === a) last[1] = b;
      else out.push([a, b]);
    }
  });
  return out;
}

/**
 * Excluded minutes (fractional) by window category in `range = [from, to)` (epoch ms), only
 * time at or after `countedFrom` (the entity's first observation). Overlapping windows count
 * once: overlap goes to the category first in `WINDOW_CATEGORIES` order. Every category is a
 * key (0 when none).
 */
export function excludedByCategory(
  range: Interval,
  exclusions: readonly Exclusion[],
  countedFrom: number,
): Record<WindowCategory, number> {
  const from = Math.max(range[0], countedFrom);
  const out = {} as Record<WindowCategory, number>;
  let claimed: Interval[] = [];
  for (const category of WINDOW_CATEGORIES) {
    const own = mergeIntervals(
      exclusions.filter((x) => x.category === category),
      from,
      range[1],
    );
    const union = mergeIntervals(
      [...claimed, ...own].map(([start, end]) => ({ start, end })),
      from,
      range[1],
    );
    // What this category adds to the union of the earlier ones is its own, overlap-free time.
    out[category] = (totalLength(union) - totalLength(claimed)) / 60_000;
    claimed = union;
  }
  return out;
}
