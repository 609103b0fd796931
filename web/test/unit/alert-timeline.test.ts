import { describe, expect, it } from 'vitest';
import { alertTimeline, TIMELINE_SPAN_MS } from '../../src/lib/alert-timeline';
import { splitAlerts } from '../../src/lib/alerts';
import { alertFixture as alert } from './alert-fixture';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('alert timeline', () => {
  it('shows a firing alert as quiet until it fired, then firing up to now, with the acknowledgement marked', () => {
    const t = alertTimeline(alert({ acknowledgedAt: iso(NOW - 3 * H), acknowledgedBy: 'ops' }), NOW);
    expect(t.segments.map((s) => [s.state, Math.round(s.left), Math.round(s.width)])).toEqual([
      ['quiet', 0, 75],
      ['firing', 75, 25],
    ]);
    expect(t.acknowledgedAt).toBeCloseTo(87.5);
    expect(t.label).toBe('Firing for 6 h; acknowledged 3 h after it fired');
    expect(t.to - t.from).toBe(TIMELINE_SPAN_MS);
  });

  it('ends the firing segment at resolution and shows resolved after it', () => {
    const t = alertTimeline(
      alert({ state: 'resolved', sequence: 2, resolvedAt: iso(NOW - 2 * H), since: iso(NOW - 4 * H) }),
      NOW,
    );
    expect(t.segments.map((s) => s.state)).toEqual(['quiet', 'firing', 'resolved']);
    expect(t.segments[1]?.end).toBe(NOW - 2 * H);
    expect(t.label).toBe('Fired for 2 h, resolved 2 h ago');
    expect(t.earlierChanges).toBe(0);
  });

  it('clips an alert firing since before the span to the span, and counts earlier episodes from the sequence', () => {
    const t = alertTimeline(alert({ since: iso(NOW - 30 * H), sequence: 5 }), NOW);
    expect(t.segments).toHaveLength(1);
    expect(t.segments[0]).toMatchObject({ state: 'firing', left: 0, width: 100 });
    expect(t.earlierChanges).toBe(4);
    expect(t.label).toContain('4 earlier state changes');
  });

  it('gives an empty timeline for an unreadable time instead of throwing', () => {
    expect(alertTimeline(alert({ since: 'garbage' }), NOW).segments).toEqual([]);
  });

  it('lists firing alerts first, most severe then longest firing, then resolved newest first', () => {
    const a = alert({ fingerprint: 'a', severity: 'ticket', since: iso(NOW - 9 * H) });
    const b = alert({ fingerprint: 'b', severity: 'page', since: iso(NOW - 1 * H) });
    const c = alert({ fingerprint: 'c', severity: 'page', since: iso(NOW - 5 * H) });
    const r1 = alert({ fingerprint: 'r1', state: 'resolved', resolvedAt: iso(NOW - 3 * H) });
    const r2 = alert({ fingerprint: 'r2', state: 'resolved', resolvedAt: iso(NOW - 1 * H) });
    const { firing, resolved } = splitAlerts([r1, a, b, r2, c]);
    expect(firing.map((x) => x.fingerprint)).toEqual(['c', 'b', 'a']);
    expect(resolved.map((x) => x.fingerprint)).toEqual(['r2', 'r1']);
  });
});
