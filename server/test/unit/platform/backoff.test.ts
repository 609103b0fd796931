import { describe, expect, it } from 'vitest';
import { backoffMs, sleep } from '../../../src/platform/backoff.js';

describe('backoffMs', () => {
  it('doubles from the base, stops at the cap, and jitters down by at most 20%', () => {
    for (let i = 0; i < 200; i++) {
      const [a1, a2, a3, a10] = [1, 2, 3, 10].map((n) => backoffMs(n, 1_000, 5_000));
      expect(a1).toBeGreaterThanOrEqual(800);
      expect(a1).toBeLessThanOrEqual(1_000);
      expect(a2).toBeGreaterThanOrEqual(1_600);
      expect(a2).toBeLessThanOrEqual(2_000);
      expect(a3).toBeGreaterThanOrEqual(3_200);
      expect(a3).toBeLessThanOrEqual(4_000);
      expect(a10).toBeGreaterThanOrEqual(4_000);
      expect(a10).toBeLessThanOrEqual(5_000);
    }
  });
});

describe('sleep', () => {
  it('ends at once when its signal aborts', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, stop.signal);
    stop.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
