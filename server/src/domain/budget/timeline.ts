import type { Status } from '@sla/shared';
import type { OpenResult, Segment, SegmentClass, Timeline } from './types.js';

/**
 * The incremental timeline of one entity (docs/budgets.md "Time-slice error budgets"): applied
 * results in ascending `observedAt`, each closed into a segment when the next one arrives.
 */

/**
 * The class of a result (docs/budgets.md, the class table): `nodata` for `NoData`; `bad` for
 * `Failed` or any other status with `currentSla < target` (the measured SLA decides: a
 * `Passed` or `AtRisk` result below its target is a breach); `good` otherwise.
 */
export function classify(status: Status, currentSla: number, target: number): Exclude<SegmentClass, 'stale'> {
  if (status === 'NoData') return 'nodata';
  if (status === 'Failed' || currentSla < target) return 'bad';
  return 'good';
}

/** One applied result as the timeline takes it: epoch ms, percentages. */
export type AppliedResult = { observedAt: number; status: Status; currentSla: number; slaTarget: number };

/** Appends `[start, end)` to `segments`, joined to the last one when adjacent with equal class and target. */
function pushSegment(
  segments: Segment[],
  start: number,
  end: number,
  cls: SegmentClass,
  target: number,
  slaMs: number,
) {
  if (end <= start) return;
  const last = segments[segments.length - 1];
  if (last && last.end === start && last.cls === cls && last.target === target) {
    last.end = end;
    last.slaMs += slaMs;
  } else {
    segments.push({ start, end, cls, target, slaMs });
  }
}

/**
 * Closes `open` at `until`: its own class up to `observedAt + staleAfterMs`, `stale` (with its
 * target, no reported SLA) beyond that.
 */
function closeOpen(segments: Segment[], open: OpenResult, until: number, staleAfterMs: number) {
  const liveEnd = Math.min(until, open.observedAt + staleAfterMs);
  pushSegment(segments, open.observedAt, liveEnd, open.cls, open.target, open.currentSla * (liveEnd - open.observedAt));
  pushSegment(segments, Math.max(liveEnd, open.observedAt), until, 'stale', open.target, 0);
}

/**
 * Adds the next applied result to `timeline` (a new timeline when null, starting at this
 * result's `observedAt`) and returns it; mutates `timeline`. Results must arrive in ascending
 * `observedAt`: one not newer than the open result is ignored (the timeline is returned
 * unchanged). The previous open result becomes a segment ending at `r.observedAt`, with the
 * part of the gap beyond `staleAfterMs` (ms) as a `stale` segment. O(1).
 */
export function appendResult(timeline: Timeline | null, r: AppliedResult, staleAfterMs: number): Timeline {
  const cls = classify(r.status, r.currentSla, r.slaTarget);
  if (!timeline) {
    const open = { observedAt: r.observedAt, cls, target: r.slaTarget, currentSla: r.currentSla };
    return { firstObservedAt: r.observedAt, horizon: r.observedAt, segments: [], open };
  }
  const open = timeline.open;
  if (!open) {
    timeline.open = { observedAt: r.observedAt, cls, target: r.slaTarget, currentSla: r.currentSla };
    return timeline;
  }
  if (r.observedAt <= open.observedAt) return timeline;
  closeOpen(timeline.segments, open, r.observedAt, staleAfterMs);
  // The open result is rewritten in place: one object per timeline, not one per result.
  open.observedAt = r.observedAt;
  open.cls = cls;
  open.target = r.slaTarget;
  open.currentSla = r.currentSla;
  return timeline;
}

/**
 * Drops the segments ending at or before `horizon` (epoch ms) and raises `t.horizon` to it
 * (never lowers it); mutates and returns `t`. Figures over a window starting before the
 * horizon then cover only the time still held.
 */
export function pruneBefore(t: Timeline, horizon: number): Timeline {
  let drop = 0;
  while (drop < t.segments.length && (t.segments[drop] as Segment).end <= horizon) drop++;
  if (drop > 0) t.segments.splice(0, drop);
  t.horizon = Math.max(t.horizon, horizon);
  return t;
}

/**
 * The open result as segments up to `now`: its class until `observedAt + staleAfterMs`, then
 * `stale`. Empty when `now` is not after its `observedAt`.
 */
export function openSegments(open: OpenResult | null, now: number, staleAfterMs: number): Segment[] {
  const out: Segment[] = [];
  if (open && now > open.observedAt) closeOpen(out, open, now, staleAfterMs);
  return out;
}

/**
 * A copy of the timeline's segments up to `now` (epoch ms), the open result included (stale
 * after `staleAfterMs`). Segments starting at or after `now` are left out, one crossing `now`
 * is cut there. O(segments).
 */
export function closedSegments(t: Timeline, now: number, staleAfterMs: number): Segment[] {
  const out: Segment[] = [];
  for (const s of t.segments) {
    if (s.start >= now) return out;
    const end = Math.min(s.end, now);
    out.push(end === s.end ? { ...s } : { ...s, end, slaMs: (s.slaMs * (end - s.start)) / (s.end - s.start) });
  }
  for (const s of openSegments(t.open, now, staleAfterMs)) out.push(s);
  return out;
}

/**
 * Calls `fn` for every part of the timeline inside `[from, to)`, in ascending order, with
 * the part's SLA-ms scaled to its length. Binary search to the first segment, so
 * O(log segments + segments in range).
 */
export function forEachPart(
  t: Timeline,
  from: number,
  to: number,
  staleAfterMs: number,
  fn: (start: number, end: number, cls: SegmentClass, target: number, slaMs: number) => void,
): void {
  if (to <= from) return;
  const segs = t.segments;
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((segs[mid] as Segment).end <= from) lo = mid + 1;
    else hi = mid;
  }
  const visit = (s: Segment) => {
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    if (b <= a) return;
    // A whole segment passes its SLA-ms as is (exact); a part gets its share.
    const whole = a === s.start && b === s.end;
    fn(a, b, s.cls, s.target, whole || s.slaMs === 0 ? s.slaMs : (s.slaMs * (b - a)) / (s.end - s.start));
  };
  for (let i = lo; i < segs.length; i++) {
    const s = segs[i] as Segment;
    if (s.start >= to) return;
    visit(s);
  }
  const open = t.open;
  if (!open || open.observedAt >= to) return;
  // The open result's parts, without building segments: its class, then stale.
  const liveEnd = Math.min(to, open.observedAt + staleAfterMs);
  const a = Math.max(open.observedAt, from);
  if (liveEnd > a) fn(a, liveEnd, open.cls, open.target, open.currentSla * (liveEnd - a));
  const staleFrom = Math.max(liveEnd, from);
  if (to > staleFrom) fn(staleFrom, to, 'stale', open.target, 0);
}

/**
 * The target in effect at `at` (epoch ms): that of the latest applied result observed before
 * `at` (the open result, else the last segment starting before `at`); null when there is none.
 */
export function targetAt(t: Timeline, at: number): number | null {
  if (t.open && t.open.observedAt < at) return t.open.target;
  let lo = 0;
  let hi = t.segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t.segments[mid] as Segment).start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? (t.segments[lo - 1] as Segment).target : null;
}
