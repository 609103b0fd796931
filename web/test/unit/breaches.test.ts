import { describe, expect, it } from 'vitest';
import { breachIntervals, breachShare } from '../../src/lib/breaches';

describe('breach periods', () => {
  const p = (t: number, sla: number, status: 'Passed' | 'Failed' | 'AtRisk' = 'Passed') => ({ t, sla, status });

  it('spans from the first breaching point to the next compliant one', () => {
    expect(breachIntervals([p(0, 99), p(10, 90), p(20, 91), p(30, 99), p(40, 99)], 95, 100)).toEqual([[10, 30]]);
  });

  it('counts a reported failure as a breach even above target, and runs an open breach to the end', () => {
    expect(breachIntervals([p(0, 99, 'Failed'), p(10, 99), p(20, 50)], 95, 100)).toEqual([
      [0, 10],
      [20, 100],
    ]);
  });

  it('has no periods without points and measures the share in breach', () => {
    expect(breachIntervals([], 95, 100)).toEqual([]);
    expect(
      breachShare(
        [
          [0, 25],
          [50, 75],
        ],
        0,
        100,
      ),
    ).toBe(0.5);
    expect(breachShare([[-50, 25]], 0, 100)).toBe(0.25);
  });
});
