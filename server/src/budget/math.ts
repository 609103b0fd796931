import type { Status } from '@sla/shared';
import type { OpenResult, Segment, SegmentClass, Timeline } from '../domain/budget/types.js';

/**
 * The timeline arithmetic the book needs, until `domain/budget/` (the pure budget math)
 * provides it: one file to switch to its exports. Same contract as there: results are
 * appended in commit order, each holds until the next one or until it goes stale.
 */

/** One applied result as the timeline takes it (epoch ms, percentages). */
export type ResultInput = { observedAt: number; status: Status; currentSla: number; slaTarget: number };

/** docs/budgets.md, the class table: NoData first, then Failed or below target is a breach. */
export function classify(status: Status, currentSla: number, slaTarget: number): Exclude<SegmentClass, 'stale'> {
  if (status === 'NoData') return 'nodata';
  if (status === 'Failed' || currentSla < slaTarget) return 'bad';
  return 'good';
}

function push(segments: Segment[], s: Segment): void {
  if (s.end <= s.start) return;
  const last = segments.at(-1);
  if (last && last.end === s.start && last.cls === s.cls && last.target === s.target) {
    last.end = s.end;
    last.slaMs += s.slaMs;
  } else segments.push(s);
}

/**
 * Appends an applied result: the open result before it becomes closed segments (its class
 * until `staleAfterMs` after it, stale after that). A result older than the open one is
 * ignored (history only). Mutates and returns `t` (a new timeline for null).
 */
export function appendResult(t: Timeline | null, r: ResultInput, staleAfterMs: number): Timeline {
  const open: OpenResult = {
    observedAt: r.observedAt,
    cls: classify(r.status, r.currentSla, r.slaTarget),
    target: r.slaTarget,
    currentSla: r.currentSla,
  };
  if (!t) return { firstObservedAt: r.observedAt, horizon: r.observedAt, segments: [], open };
  const prev = t.open;
  if (prev) {
    if (r.observedAt < prev.observedAt) return t;
    const goodEnd = Math.min(r.observedAt, prev.observedAt + staleAfterMs);
    push(t.segments, {
      start: prev.observedAt,
      end: goodEnd,
      cls: prev.cls,
      target: prev.target,
      slaMs: prev.currentSla * (goodEnd - prev.observedAt),
    });
    push(t.segments, { start: goodEnd, end: r.observedAt, cls: 'stale', target: prev.target, slaMs: 0 });
  }
  t.open = open;
  return t;
}

/** Drops the segments ending at or before `cutoff` (memory bound); `horizon` records it. */
export function pruneBefore(t: Timeline, cutoff: number): Timeline {
  if (cutoff <= t.horizon) return t;
  let i = 0;
  while (i < t.segments.length && (t.segments[i] as Segment).end <= cutoff) i++;
  if (i > 0) t.segments.splice(0, i);
  t.horizon = cutoff;
  return t;
}
