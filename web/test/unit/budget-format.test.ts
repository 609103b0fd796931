import { describe, expect, it } from 'vitest';
import {
  barWidth,
  budgetState,
  burnGaugePct,
  burnLevel,
  exhaustsLabel,
  formatBurnRate,
  thresholdFor,
} from '../../src/lib/budget';
import { formatDuration, formatMinutes, formatWindowMinutes } from '../../src/lib/duration';

describe('durations', () => {
  it('says a duration with at most two units, the way people do', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(4 * 86_400_000 + 2 * 3_600_000)).toBe('4 d 2 h');
    expect(formatDuration(86_400_000 + 23.7 * 3_600_000)).toBe('2 d');
  });
  it('marks an overspent budget with a minus and has a dash for nothing', () => {
    expect(formatDuration(-90 * 60_000)).toBe('−1 h 30 min');
    expect(formatDuration(null)).toBe('–');
  });
  it('names burn windows and excluded minutes', () => {
    expect([5, 30, 60, 360, 4320].map(formatWindowMinutes)).toEqual(['5 min', '30 min', '1 h', '6 h', '3 d']);
    expect(formatMinutes(12.345)).toBe('12.3 min');
  });
});

describe('budget state', () => {
  it('is exhausted at or below zero, low under 25 %, unknown without counted time', () => {
    expect(budgetState(80)).toBe('ok');
    expect(budgetState(25)).toBe('ok');
    expect(budgetState(24.9)).toBe('low');
    expect(budgetState(0)).toBe('exhausted');
    expect(budgetState(-40)).toBe('exhausted');
    expect(budgetState(null)).toBe('unknown');
  });
  it('draws an overspent budget as an empty bar, never a negative width', () => {
    expect(barWidth(-20)).toBe(0);
    expect(barWidth(140)).toBe(100);
    expect(barWidth(null)).toBe(0);
  });
  it('projects exhaustion relative to now', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const at = (iso: string | null, remainingMs = 1000) =>
      exhaustsLabel({ exhaustsAt: iso, rolling: { remainingMs } }, now);
    expect(at('2026-12-04T00:00:00Z')).toBe('exhausts in 3 days');
    expect(at('2026-12-01T05:00:00Z')).toBe('exhausts in 5 hours');
    expect(at(null)).toBe('not burning');
    expect(at(null, -5)).toBe('exhausted');
  });
});

describe('burn rates', () => {
  it('judges each window against its alerting tier: 14.4 for 5 min and 1 h, 6 for 30 min and 6 h, 1 for 3 d', () => {
    expect([5, 30, 60, 360, 4320].map(thresholdFor)).toEqual([14.4, 6, 14.4, 6, 1]);
    expect(burnLevel(15, 60)).toBe('over');
    expect(burnLevel(10, 60)).toBe('elevated');
    expect(burnLevel(6, 360)).toBe('over');
    expect(burnLevel(1, 4320)).toBe('over');
    expect(burnLevel(0.5, 5)).toBe('ok');
    expect(burnLevel(null, 5)).toBe('unknown');
  });
  it('places rates on a log gauge so 1, 6 and 14.4 are apart', () => {
    const [a, b, c] = [1, 6, 14.4].map(burnGaugePct);
    expect(a).toBeGreaterThan(30);
    expect(b).toBeGreaterThan((a ?? 0) + 20);
    expect(c).toBeGreaterThan((b ?? 0) + 10);
    expect(burnGaugePct(1000)).toBe(100);
    expect(burnGaugePct(0)).toBe(0);
    expect(formatBurnRate(14.4)).toBe('14.4×');
  });
});
