import { describe, expect, it } from 'vitest';
import { breachesIn, excludedByCategory } from '../../../src/domain/budget/breaches.js';
import { burnRate, figuresOf, toWireFigures } from '../../../src/domain/budget/figures.js';
import { addSums, emptySums, sumsOver } from '../../../src/domain/budget/sums.js';
import type { CountingPolicy, Exclusion } from '../../../src/domain/budget/types.js';
import { build, inMinutes, M } from './build.js';

const policy = (noDataPolicy: CountingPolicy['noDataPolicy'], staleMin = 30): CountingPolicy => ({
  noDataPolicy,
  staleAfterMs: staleMin * M,
});

// Stale after 60, target 99: good 0–50 (99.5), bad 50–70 (90), good 70– (99.5); now = 120.
const breachAcrossEdge = () =>
  build(
    [
      [0, 'Passed', 99.5, 99],
      [50, 'Failed', 90, 99],
      [70, 'Passed', 99.5, 99],
      [100, 'Passed', 99.5, 99],
    ],
    60 * M,
  );
const NOW = 120 * M;

describe('sumsOver: a breach crossing the window edge', () => {
  it('counts only the part inside the window, and the budget goes negative', () => {
    // Window 60–120: bad 60–70 = 10 min, good 70–120 = 50 min; counted 60 min = 3,600,000 ms.
    // allowed = 1 % × 3,600,000 = 36,000; remaining = 36,000 − 600,000 = −564,000 (−1566.67 %).
    // compliance = 100 × (1 − 10/60) = 83.33; mean SLA = (10 × 90 + 50 × 99.5) / 60 = 5875/60.
    const f = figuresOf(sumsOver(breachAcrossEdge(), [60 * M, 120 * M], [], policy('exclude'), NOW));
    expect(f).toMatchObject({ from: 60 * M, to: 120 * M, target: 99, countedMs: 3_600_000, breachMs: 600_000 });
    expect(f.allowedMs).toBeCloseTo(36_000, 6);
    expect(f.remainingMs).toBeCloseTo(-564_000, 6);
    expect(f.remainingPct).toBeCloseTo((-564_000 / 36_000) * 100, 6);
    expect(f.compliance).toBeCloseTo(83.3333333, 6);
    expect(f.meanReportedSla).toBeCloseTo(5875 / 60, 9);
    // The other side of the edge, 0–60: bad 50–60 = 10 of 60 min, the same figures.
    const left = figuresOf(sumsOver(breachAcrossEdge(), [0, 60 * M], [], policy('exclude'), NOW));
    expect([left.countedMs, left.breachMs]).toEqual([3_600_000, 600_000]);
    expect(inMinutes(breachesIn(breachAcrossEdge(), [60 * M, 120 * M], [], policy('exclude'), NOW))).toEqual([
      [60, 70],
    ]);
  });

  it('counts from the first observation and only up to now', () => {
    // Observed from 30; window 0–200 with now = 120 → 90 min looked at, bad 50–70 = 20 min.
    const t = build(
      [
        [30, 'Passed', 100, 99],
        [50, 'Failed', 90, 99],
        [70, 'Passed', 100, 99],
        [100, 'Passed', 100, 99],
      ],
      30 * M,
    );
    const s = sumsOver(t, [0, 200 * M], [], policy('exclude'), NOW);
    expect([s.countedMs / M, s.breachMs / M, s.from, s.to]).toEqual([90, 20, 0, 200 * M]);
  });

  it('applies the target in effect at the end of the window to all counted time', () => {
    // Target 99 until 60, then 99.9: window 0–120 counted 120 min × 0.1 % = 0.12 min = 7,200 ms.
    // Window 0–60: the result at 60 is not before 60, so 99 applies: 60 min × 1 % = 36,000 ms.
    const t = build(
      [
        [0, 'Passed', 100, 99],
        [60, 'Passed', 100, 99.9],
        [90, 'Passed', 100, 99.9],
      ],
      60 * M,
    );
    expect(sumsOver(t, [0, 120 * M], [], policy('exclude'), NOW)).toMatchObject({
      target: 99.9,
      targetMs: 99.9 * 120 * M,
    });
    expect(sumsOver(t, [0, 120 * M], [], policy('exclude'), NOW).allowedMs).toBeCloseTo(7_200, 6);
    expect(sumsOver(t, [0, 60 * M], [], policy('exclude'), NOW).allowedMs).toBeCloseTo(36_000, 6);
  });

  it('answers zeros and a null target before the first observation', () => {
    const s = sumsOver(breachAcrossEdge(), [-60 * M, 0], [], policy('exclude'), NOW);
    expect(s).toEqual(emptySums(-60 * M, 0));
    expect(figuresOf(s)).toMatchObject({ target: null, compliance: null, remainingPct: null, meanReportedSla: null });
  });
});

describe('sumsOver: the NoData policy', () => {
  // Stale after 15, target 99.5: good 0–10, nodata 10–20, good 20–35, stale 35–40 (gap 20→40),
  // bad 40–50 (95), good 50–60 (open at 50, now = 60).
  const t = () =>
    build(
      [
        [0, 'Passed', 100, 99.5],
        [10, 'NoData', 0, 99.5],
        [20, 'Passed', 100, 99.5],
        [40, 'Failed', 95, 99.5],
        [50, 'Passed', 100, 99.5],
      ],
      15 * M,
    );
  const at = 60 * M;
  // Reported (good/bad) time: 10 + 15 + 10 + 10 = 45 min; SLA: 1000 + 1500 + 950 + 1000 = 4450 → 98.89.
  const meanSla = 4450 / 45;

  it('exclude: nodata and stale time is neither met nor breached', () => {
    // counted = 60 − 10 − 5 = 45 min; breach 10; allowed = 0.5 % × 45 min = 13,500 ms; compliance = 100 × 35/45.
    const f = figuresOf(sumsOver(t(), [0, at], [], policy('exclude', 15), at));
    expect([f.countedMs / M, f.breachMs / M, f.noDataMs / M]).toEqual([45, 10, 15]);
    expect(f.allowedMs).toBeCloseTo(13_500, 6);
    expect(f.compliance).toBeCloseTo((100 * 35) / 45, 9);
    expect(f.meanReportedSla).toBeCloseTo(meanSla, 9);
  });

  it('bad: nodata and stale time counts as breach', () => {
    // counted 60; breach = 10 bad + 10 nodata + 5 stale = 25; allowed = 0.5 % × 60 min = 18,000 ms.
    const f = figuresOf(sumsOver(t(), [0, at], [], policy('bad', 15), at));
    expect([f.countedMs / M, f.breachMs / M, f.noDataMs / M]).toEqual([60, 25, 15]);
    expect(f.allowedMs).toBeCloseTo(18_000, 6);
    expect(f.compliance).toBeCloseTo((100 * 35) / 60, 9);
    expect(f.meanReportedSla).toBeCloseTo(meanSla, 9);
    // The breaches: nodata 10–20, then stale 35–40 joined with bad 40–50.
    expect(inMinutes(breachesIn(t(), [0, at], [], policy('bad', 15), at))).toEqual([
      [10, 20],
      [35, 50],
    ]);
    expect(inMinutes(breachesIn(t(), [0, at], [], policy('exclude', 15), at))).toEqual([[40, 50]]);
  });

  it('good: nodata and stale time counts as met', () => {
    // counted 60; breach 10; compliance = 100 × 50/60.
    const f = figuresOf(sumsOver(t(), [0, at], [], policy('good', 15), at));
    expect([f.countedMs / M, f.breachMs / M, f.noDataMs / M]).toEqual([60, 10, 15]);
    expect(f.compliance).toBeCloseTo((100 * 50) / 60, 9);
  });

  it('turns the open result stale after the stale time', () => {
    // now = 80: open good 50–65, stale 65–80; policy bad → breach 25 + 15 = 40 of 80.
    const s = sumsOver(t(), [0, 80 * M], [], policy('bad', 15), 80 * M);
    expect([s.countedMs / M, s.breachMs / M, s.noDataMs / M]).toEqual([80, 40, 30]);
  });
});

describe('sumsOver: maintenance windows', () => {
  it('takes a window covering part of a breach out of counted and breach time', () => {
    // Window 60–120, maintenance 65–80: bad 60–65 kept (5 min), good 80–120 kept (40 min).
    // excluded 15 min; counted 45 min; allowed = 1 % × 45 min = 27,000 ms; compliance = 100 × 40/45;
    // mean SLA = (5 × 90 + 40 × 99.5) / 45 = 4430/45.
    const ex: Exclusion[] = [{ start: 65 * M, end: 80 * M, category: 'maintenance' }];
    const f = figuresOf(sumsOver(breachAcrossEdge(), [60 * M, 120 * M], ex, policy('exclude'), NOW));
    expect([f.countedMs / M, f.breachMs / M, f.excludedMs / M]).toEqual([45, 5, 15]);
    expect(f.allowedMs).toBeCloseTo(27_000, 6);
    expect(f.compliance).toBeCloseTo((100 * 40) / 45, 9);
    expect(f.meanReportedSla).toBeCloseTo(4430 / 45, 9);
    expect(inMinutes(breachesIn(breachAcrossEdge(), [60 * M, 120 * M], ex, policy('exclude'), NOW))).toEqual([
      [60, 65],
    ]);
  });

  it('counts overlapping windows once, attributing overlap to the first category', () => {
    // Union of 65–80, 75–90, 76–78 = 65–90: 25 min excluded, counted 60 − 25 = 35 min, breach 60–65 = 5.
    // By category: maintenance 65–80 = 15; deployment 75–90 less 65–80 = 80–90 = 10; other inside both = 0.
    const ex: Exclusion[] = [
      { start: 76 * M, end: 78 * M, category: 'other' },
      { start: 75 * M, end: 90 * M, category: 'deployment' },
      { start: 65 * M, end: 80 * M, category: 'maintenance' },
    ];
    const s = sumsOver(breachAcrossEdge(), [60 * M, 120 * M], ex, policy('exclude'), NOW);
    expect([s.countedMs / M, s.breachMs / M, s.excludedMs / M]).toEqual([35, 5, 25]);
    expect(excludedByCategory([60 * M, 120 * M], ex, 0)).toEqual({
      maintenance: 15,
      deployment: 10,
      outside_business_hours: 0,
      other: 0,
    });
    // Only time after the first observation: from 70 → maintenance 70–80 = 10, deployment 80–90 = 10.
    expect(excludedByCategory([60 * M, 120 * M], ex, 70 * M)).toMatchObject({ maintenance: 10, deployment: 10 });
  });

  it('excludes nodata time under a window from noDataMs too', () => {
    // Nodata −10–30 (stale after 60), good 30–60; window 0–20 → nodata kept 20–30 = 10 min;
    // policy bad: breach 10, counted 10 + 30 = 40, excluded 20.
    const t = build(
      [
        [0, 'NoData', 0, 99],
        [40, 'Passed', 100, 99],
      ],
      60 * M,
      -10 * M,
    );
    const s = sumsOver(t, [0, 60 * M], [{ start: 0, end: 20 * M, category: 'other' }], policy('bad'), 60 * M);
    expect([s.noDataMs / M, s.breachMs / M, s.countedMs / M, s.excludedMs / M]).toEqual([10, 10, 40, 20]);
  });
});

describe('rollups', () => {
  it('sums two entities time-weighted, not as a mean of their compliances', () => {
    // A: window 60–120 as above: counted 60 min, breach 10 min, allowed 36,000 ms, target 99.
    // B: first observed at 90, all good, target 99.9: counted 30 min, allowed 0.1 % × 1,800,000 = 1,800 ms.
    // Rollup: counted 90 min, breach 10 min → compliance 100 × 80/90 = 88.89 (the mean of 83.33 and
    // 100 would be 91.67); allowed 37,800; remaining −562,200; target (99 × 60 + 99.9 × 30) / 90 = 99.3;
    // burn = 600,000 / 37,800 = 15.873.
    const a = sumsOver(breachAcrossEdge(), [60 * M, 120 * M], [], policy('exclude'), NOW);
    const b = sumsOver(build([[90, 'Passed', 100, 99.9]], 60 * M), [60 * M, 120 * M], [], policy('exclude'), NOW);
    const r = [a, b].reduce(addSums, emptySums(60 * M, 120 * M));
    const f = figuresOf(r);
    expect([f.countedMs / M, f.breachMs / M]).toEqual([90, 10]);
    expect(f.compliance).toBeCloseTo((100 * 80) / 90, 9);
    expect(f.allowedMs).toBeCloseTo(37_800, 6);
    expect(f.remainingMs).toBeCloseTo(-562_200, 6);
    expect(f.target).toBeCloseTo(99.3, 9);
    expect(burnRate(r)).toBeCloseTo(600_000 / 37_800, 9);
    // Entities of one target keep it as the rollup's target.
    expect(figuresOf(addSums(emptySums(0, 1), a)).target).toBe(99);
  });

  it('formats figures for the wire with ISO bounds', () => {
    const w = toWireFigures(figuresOf(emptySums(Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 1))));
    expect(w).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', countedMs: 0 });
  });
});
