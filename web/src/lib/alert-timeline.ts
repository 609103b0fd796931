import type { AlertViewAnswer } from '@sla/shared';
import { formatDuration } from './duration';

/** What a timeline segment shows: the alert not firing (before its episode), firing, or resolved. */
export type TimelineState = 'quiet' | 'firing' | 'resolved';
/** One stretch of the timeline, as a share (0–100) of its width. */
export type TimelineSegment = { state: TimelineState; start: number; end: number; left: number; width: number };
export type Timeline = {
  from: number;
  to: number;
  segments: TimelineSegment[];
  /** Where the acknowledgement falls (0–100), when it is inside the span. */
  acknowledgedAt: number | null;
  /** State changes before the current episode: the API keeps only the latest episode's times. */
  earlierChanges: number;
  /** The timeline in words, for its text alternative. */
  label: string;
};

/** The span a timeline covers by default: the 24 hours `alerts.list` keeps resolved alerts for. */
export const TIMELINE_SPAN_MS = 24 * 3_600_000;

type AlertTimes = Pick<AlertViewAnswer, 'state' | 'sequence' | 'since' | 'resolvedAt' | 'acknowledgedAt'>;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The alert's state changes over the last `spanMs` up to `now` (ms since the epoch), as
 * segments: not firing until `since`, firing until `resolvedAt` (or now), resolved after.
 * `alerts.list` answers the latest episode only (`since`, `resolvedAt`); earlier changes are
 * counted from `sequence` (one per change, so a firing alert at sequence 3 had 2 before
 * this episode). A `since` before the span starts the firing segment at the span's start.
 * Unparseable times give an empty timeline rather than throwing.
 */
export function alertTimeline(a: AlertTimes, now: number, spanMs = TIMELINE_SPAN_MS): Timeline {
  const to = now;
  const from = now - spanMs;
  const since = Date.parse(a.since);
  const resolved = a.resolvedAt ? Date.parse(a.resolvedAt) : null;
  const earlierChanges = Math.max(0, a.sequence - (a.state === 'firing' ? 1 : 2));
  if (Number.isNaN(since)) return { from, to, segments: [], acknowledgedAt: null, earlierChanges, label: '' };
  const fireEnd = a.state === 'resolved' && resolved !== null && !Number.isNaN(resolved) ? resolved : to;
  const pct = (t: number) => ((clamp(t, from, to) - from) / spanMs) * 100;
  const raw: [TimelineState, number, number][] = [
    ['quiet', from, since],
    ['firing', since, fireEnd],
    ['resolved', fireEnd, to],
  ];
  const segments = raw
    .map(([state, s, e]) => ({ state, start: clamp(s, from, to), end: clamp(e, from, to) }))
    .filter((s) => s.end > s.start)
    .map((s) => ({ ...s, left: pct(s.start), width: pct(s.end) - pct(s.start) }));
  const ack = a.acknowledgedAt ? Date.parse(a.acknowledgedAt) : Number.NaN;
  const acknowledgedAt = ack >= from && ack <= to ? pct(ack) : null;
  return { from, to, segments, acknowledgedAt, earlierChanges, label: timelineLabel(a, since, fireEnd, now) };
}

/** "Firing for 12 min (since 13:02), acknowledged after 3 min" / "Fired for 40 min, resolved 2 h ago". */
function timelineLabel(a: AlertTimes, since: number, fireEnd: number, now: number): string {
  const parts = [
    a.state === 'firing'
      ? `Firing for ${formatDuration(now - since)}`
      : `Fired for ${formatDuration(fireEnd - since)}, resolved ${formatDuration(now - fireEnd)} ago`,
  ];
  const ack = a.acknowledgedAt ? Date.parse(a.acknowledgedAt) : Number.NaN;
  if (!Number.isNaN(ack)) parts.push(`acknowledged ${formatDuration(ack - since)} after it fired`);
  const earlier = Math.max(0, a.sequence - (a.state === 'firing' ? 1 : 2));
  if (earlier > 0) parts.push(`${earlier} earlier state change${earlier === 1 ? '' : 's'}`);
  return parts.join('; ');
}
