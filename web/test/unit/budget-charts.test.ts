import { describe, expect, it } from 'vitest';
import { burndownData, describeBurndown } from '../../src/lib/burndown';
import { heatLevel, heatmapLayout, weekdayOf } from '../../src/lib/heatmap';
import { inSpans, spansTotal, windowSpans } from '../../src/lib/intervals';
import { complianceRange, describeSeries, sparklinePath } from '../../src/lib/sparkline';

describe('sparkline', () => {
  const box = { width: 21, height: 11, min: 90, max: 100, pad: 0.5 };
  it('runs left to right, top is the maximum', () => {
    expect(sparklinePath([100, 90, 95], box)).toBe('M0.5,0.5L10.5,10.5L20.5,5.5');
  });
  it('breaks the line at days without data and keeps a lone day visible', () => {
    const d = sparklinePath([100, null, 95, null, 90], box);
    expect(d.match(/M/g)?.length).toBe(3);
    expect(d).not.toContain('L');
    expect(d).toContain('l');
  });
  it('shows a small dip and does not flatten the rest for a deep one', () => {
    expect(complianceRange([100, 99.6])).toEqual({ min: 98, max: 100 });
    expect(complianceRange([100, 41.2])).toEqual({ min: 40, max: 100 });
    expect(complianceRange([null])).toEqual({ min: 98, max: 100 });
  });
  it('describes the series in words', () => {
    expect(describeSeries([null, 99, 97, null], 7, (v) => `${v}%`)).toBe(
      'Compliance over the last 7 days: lowest 97%, highest 99%, latest 97%',
    );
    expect(describeSeries([null], 7, String)).toBe('No compliance data in the last 7 days');
  });
});

describe('calendar heatmap', () => {
  it('puts Monday on top and starts a new column every week', () => {
    expect(weekdayOf('2026-11-30')).toBe(0); // a Monday
    expect(weekdayOf('2026-12-06')).toBe(6); // a Sunday
    const days = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'].map((date) => ({ date, compliance: 99.5 }));
    const { cells, weeks } = heatmapLayout(days);
    expect(cells.map((c) => [c.week, c.weekday])).toEqual([
      [0, 5],
      [0, 6],
      [1, 0],
      [1, 1],
    ]);
    expect(weeks).toBe(2);
  });
  it('buckets compliance, with its own level for days without data', () => {
    expect([100, 99.5, 97, 92, 50, null].map(heatLevel)).toEqual(['full', 'high', 'mid', 'low', 'bad', 'none']);
  });
});

describe('window spans', () => {
  const t = (iso: string) => Date.parse(iso);
  it('clips occurrences to the chart and merges overlaps so nothing is shaded twice', () => {
    const spans = windowSpans(
      [
        { start: '2026-11-30T10:00:00Z', end: '2026-11-30T12:00:00Z' },
        { start: '2026-11-30T11:00:00Z', end: '2026-11-30T13:00:00Z' },
        { start: '2026-11-29T22:00:00Z', end: '2026-11-30T01:00:00Z' },
        { start: '2026-12-02T00:00:00Z', end: '2026-12-03T00:00:00Z' },
      ],
      t('2026-11-30T00:00:00Z'),
      t('2026-12-01T00:00:00Z'),
    );
    expect(spans).toEqual([
      [t('2026-11-30T00:00:00Z'), t('2026-11-30T01:00:00Z')],
      [t('2026-11-30T10:00:00Z'), t('2026-11-30T13:00:00Z')],
    ]);
    expect(spansTotal(spans)).toBe(4 * 3_600_000);
    expect(inSpans(spans, t('2026-11-30T12:30:00Z'))).toBe(true);
    expect(inSpans(spans, t('2026-11-30T13:00:00Z'))).toBe(false);
  });
});

describe('burn-down', () => {
  const b = {
    from: '2026-12-01T00:00:00Z',
    to: '2026-12-31T00:00:00Z',
    allowedMs: 30 * 60_000,
    points: [
      { at: '2026-12-16T00:00:00Z', remainingMs: 10 * 60_000 },
      { at: '2026-12-06T00:00:00Z', remainingMs: 25 * 60_000 },
    ],
  };
  it('spans the whole period with remaining minutes against the even-spend line', () => {
    const [xs, remaining, ideal] = burndownData(b);
    expect(xs).toEqual([b.from, b.points[1]?.at, b.points[0]?.at, b.to].map((s) => Date.parse(s ?? '') / 1000));
    expect(remaining).toEqual([null, 25, 10, null]);
    expect(ideal).toEqual([30, 25, 15, 0]);
  });
  it('says the allowance and what is left', () => {
    expect(describeBurndown(b, (ms) => `${ms / 60_000} min`)).toBe(
      'Calendar-period budget: 30 min allowed, 25 min remaining (83 %).',
    );
  });
});
