import { describe, expect, it } from 'vitest';
import { appendResult, classify, closedSegments, pruneBefore, targetAt } from '../../../src/domain/budget/timeline.js';
import { build, M, type Row } from './build.js';

const STALE = 15 * M;

describe('classify', () => {
  it('follows the class table: NoData → nodata, Failed or below target → bad, else good', () => {
    expect(classify('Passed', 99.5, 99)).toBe('good');
    expect(classify('AtRisk', 99, 99)).toBe('good'); // at the target is meeting it
    expect(classify('AtRisk', 98.9, 99)).toBe('bad');
    expect(classify('Failed', 100, 99)).toBe('bad');
    expect(classify('Passed', 98, 99)).toBe('bad'); // the measured SLA decides
    expect(classify('NoData', 0, 99)).toBe('nodata');
  });
});

describe('appendResult', () => {
  it('starts a timeline at the first result, with nothing closed yet', () => {
    const t = appendResult(null, { observedAt: 5 * M, status: 'Passed', currentSla: 100, slaTarget: 99 }, STALE);
    expect(t).toEqual({
      firstObservedAt: 5 * M,
      horizon: 5 * M,
      segments: [],
      open: { observedAt: 5 * M, cls: 'good', target: 99, currentSla: 100 },
    });
  });

  it('closes each result at the next and merges equal neighbours, summing SLA × ms', () => {
    // 0–5 good (99.5) + 5–10 good (100) merge: slaMs = 99.5 × 5 M + 100 × 5 M = 997.5 M;
    // 10–12 bad at 90: 180 M; the result at 12 stays open.
    const t = build(
      [
        [0, 'Passed', 99.5, 99],
        [5, 'Passed', 100, 99],
        [10, 'Failed', 90, 99],
        [12, 'Passed', 100, 99],
      ],
      STALE,
    );
    expect(t.segments).toEqual([
      { start: 0, end: 10 * M, cls: 'good', target: 99, slaMs: 997.5 * M },
      { start: 10 * M, end: 12 * M, cls: 'bad', target: 99, slaMs: 180 * M },
    ]);
    expect(t.open).toEqual({ observedAt: 12 * M, cls: 'good', target: 99, currentSla: 100 });
  });

  it('keeps segments of different targets apart', () => {
    const t = build(
      [
        [0, 'Passed', 100, 99],
        [5, 'Passed', 100, 99.9],
        [10, 'Passed', 100, 99.9],
      ],
      STALE,
    );
    expect(t.segments.map((s) => [s.start / M, s.end / M, s.target])).toEqual([
      [0, 5, 99],
      [5, 10, 99.9],
    ]);
  });

  it('inserts a stale segment for the part of a gap beyond the stale time', () => {
    // Stale after 15: result at 0, next at 40 → good 0–15, stale 15–40; next at 80 → good 40–55, stale 55–80.
    const t = build(
      [
        [0, 'Passed', 100, 99],
        [40, 'Passed', 100, 99],
        [80, 'Failed', 50, 99],
      ],
      STALE,
    );
    expect(t.segments.map((s) => [s.start / M, s.end / M, s.cls, s.slaMs / M])).toEqual([
      [0, 15, 'good', 1500],
      [15, 40, 'stale', 0],
      [40, 55, 'good', 1500],
      [55, 80, 'stale', 0],
    ]);
  });

  it('ignores a result not newer than the open one, returning the timeline unchanged', () => {
    const t = build(
      [
        [0, 'Passed', 100, 99],
        [10, 'Failed', 50, 99],
      ],
      STALE,
    );
    const before = structuredClone(t);
    expect(appendResult(t, { observedAt: 5 * M, status: 'Passed', currentSla: 100, slaTarget: 99 }, STALE)).toBe(t);
    expect(appendResult(t, { observedAt: 10 * M, status: 'Passed', currentSla: 100, slaTarget: 99 }, STALE)).toBe(t);
    expect(t).toEqual(before);
  });
});

describe('closedSegments, pruneBefore, targetAt', () => {
  const rows: Row[] = [
    [0, 'Passed', 100, 99],
    [10, 'Failed', 80, 99.5],
  ];

  it('closes the open result at now, stale after the stale time', () => {
    // Open bad result at 10: bad 10–25 (80 × 15 = 1200 SLA-min), stale 25–30 at now = 30.
    const t = build(rows, STALE);
    expect(closedSegments(t, 30 * M, STALE).map((s) => [s.start / M, s.end / M, s.cls, s.slaMs / M])).toEqual([
      [0, 10, 'good', 1000],
      [10, 25, 'bad', 1200],
      [25, 30, 'stale', 0],
    ]);
    // now inside the first segment: cut there (SLA scaled: 100 × 4 min).
    expect(closedSegments(t, 4 * M, STALE).map((s) => [s.start / M, s.end / M, s.slaMs / M])).toEqual([[0, 4, 400]]);
  });

  it('drops segments ending at or before the horizon and never lowers it', () => {
    const t = build(
      [
        [0, 'Passed', 100, 99],
        [10, 'Failed', 80, 99],
        [20, 'Passed', 100, 99],
      ],
      STALE,
    );
    pruneBefore(t, 10 * M);
    expect(t.segments.map((s) => s.start / M)).toEqual([10]);
    expect(t.horizon).toBe(10 * M);
    pruneBefore(t, 5 * M);
    expect(t.horizon).toBe(10 * M);
    expect(t.firstObservedAt).toBe(0);
  });

  it('takes the target of the latest result before the instant', () => {
    const t = build(rows, STALE);
    expect(targetAt(t, 0)).toBeNull();
    expect(targetAt(t, 1)).toBe(99);
    expect(targetAt(t, 10 * M)).toBe(99);
    expect(targetAt(t, 10 * M + 1)).toBe(99.5);
  });
});
