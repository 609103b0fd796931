import { describe, expect, it } from 'vitest';
import { burnRate, exhaustsAt } from '../../../src/domain/budget/figures.js';
import { rollingWindow } from '../../../src/domain/budget/periods.js';
import { emptySums, sumsOver } from '../../../src/domain/budget/sums.js';
import type { CountingPolicy, Interval } from '../../../src/domain/budget/types.js';
import { build, D, H, M } from './build.js';

// A stale time longer than any gap here: these cases are about breach time only.
const policy: CountingPolicy = { noDataPolicy: 'exclude', staleAfterMs: 31 * D };
const NOW = Date.UTC(2026, 10, 20, 12);
const last = (ms: number): Interval => [NOW - ms, NOW];

describe('burn rates', () => {
  // Target 99.9 (allowed fraction 0.001), observed for 3 days: bad now−6h…now−5h (60 min) and
  // now−10m…now−2m (8 min), good otherwise.
  const t = build(
    [
      [-3 * 24 * 60, 'Passed', 100, 99.9],
      [-6 * 60, 'Failed', 0, 99.9],
      [-5 * 60, 'Passed', 100, 99.9],
      [-10, 'Failed', 0, 99.9],
      [-2, 'Passed', 100, 99.9],
    ],
    policy.staleAfterMs,
    NOW,
  );
  const burn = (ms: number) => burnRate(sumsOver(t, last(ms), [], policy, NOW));

  it('is the breach share over the allowed fraction for 5 min, 1 h, 6 h and 3 d windows', () => {
    expect(burn(5 * M)).toBeCloseTo(3 / 5 / 0.001, 6); // bad now−5…now−2 = 3 of 5 min → 600
    expect(burn(H)).toBeCloseTo(8 / 60 / 0.001, 6); // 8 of 60 min → 133.33
    expect(burn(6 * H)).toBeCloseTo(68 / 360 / 0.001, 6); // 60 + 8 of 360 min → 188.89
    expect(burn(3 * D)).toBeCloseTo(68 / 4320 / 0.001, 6); // 68 of 4320 min → 15.74
  });

  it('is null with nothing counted or nothing allowed, 0 with no breach', () => {
    expect(burnRate(emptySums(0, 1))).toBeNull();
    const perfect = build([[-60, 'Passed', 100, 100]], H, NOW);
    expect(burnRate(sumsOver(perfect, last(H), [], policy, NOW))).toBeNull(); // a 100 % target allows nothing
    expect(burnRate(sumsOver(t, last(2 * H), [], policy, NOW - 10 * M))).toBe(0); // good only until now−10m
  });
});

describe('projected exhaustion', () => {
  // Target 99.9 over 30 days, bad now−30m…now−24m (6 min).
  // Rolling: counted 43,200 min → allowed 43.2 min = 2,592,000 ms; breach 360,000; remaining 2,232,000.
  // Last hour: 6 of 60 min breached (burn 100, × allowed fraction 0.001 = breach share 0.1)
  // → exhausts at now + 2,232,000 / 0.1 = now + 22,320,000 ms (6 h 12 min).
  const t = build(
    [
      [-30 * 24 * 60, 'Passed', 100, 99.9],
      [-30, 'Failed', 50, 99.9],
      [-24, 'Passed', 100, 99.9],
    ],
    policy.staleAfterMs,
    NOW,
  );

  it('is now + remaining ÷ (1-hour burn × allowed fraction)', () => {
    const rolling = sumsOver(t, rollingWindow(NOW, 30), [], policy, NOW);
    const hour = sumsOver(t, last(H), [], policy, NOW);
    expect(rolling.allowedMs).toBeCloseTo(2_592_000, 4);
    expect(burnRate(hour)).toBeCloseTo(100, 9);
    expect(exhaustsAt(rolling, hour, NOW)).toBe(NOW + 22_320_000);
  });

  it('is null when the last hour did not burn or the budget is spent', () => {
    const rolling = sumsOver(t, rollingWindow(NOW, 30), [], policy, NOW);
    // The hour before the breach burned nothing.
    const calm = sumsOver(t, [NOW - 2 * H, NOW - H], [], policy, NOW);
    expect(exhaustsAt(rolling, calm, NOW)).toBeNull();
    const spent = { ...rolling, breachMs: rolling.allowedMs };
    expect(exhaustsAt(spent, sumsOver(t, last(H), [], policy, NOW), NOW)).toBeNull();
  });
});
