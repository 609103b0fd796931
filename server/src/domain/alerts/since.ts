import type { Segment, Timeline } from '../../domain/budget/types.js';

/**
 * Since when (epoch ms) the timeline has been `bad` without a break up to `now` (a breach:
 * Failed, or the measured SLA below its target; docs/budgets.md's class table); null when it is
 * not bad at `now` (good, NoData, or stale: an entity with no observation for `staleAfterMs`
 * has no known status). Walks back from the open result over adjacent bad segments (segments of
 * equal class and target are merged, so usually none or one): O(segments of the run).
 */
export function badSince(t: Timeline, now: number, staleAfterMs: number): number | null {
  const open = t.open;
  if (!open || open.observedAt > now || open.cls !== 'bad') return null;
  if (now >= open.observedAt + staleAfterMs) return null;
  let since = open.observedAt;
  for (let i = t.segments.length - 1; i >= 0; i--) {
    const s = t.segments[i] as Segment;
    if (s.end !== since || s.cls !== 'bad') break;
    since = s.start;
  }
  return since;
}
