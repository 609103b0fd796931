import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/ingest/rate-limit.js';
import { T0 } from '../fixtures.js';

const takeMany = (limiter: RateLimiter, key: string, n: number, now: number) =>
  Array.from({ length: n }, () => limiter.take(key, now));

describe('RateLimiter', () => {
  it('allows a burst of one second’s worth, then asks the caller to wait whole seconds', () => {
    const limiter = new RateLimiter(5);
    expect(takeMany(limiter, 'token#1', 5, T0)).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.take('token#1', T0)).toBe(1);
    // Still refused a moment later: Retry-After stays at least 1 s (it is sent in whole seconds).
    expect(limiter.take('token#1', T0 + 100)).toBe(1);
  });

  it('refills at the rate: one request per 1/rate seconds', () => {
    const limiter = new RateLimiter(5);
    takeMany(limiter, 'token#1', 5, T0);
    expect(limiter.take('token#1', T0 + 199)).toBe(1);
    expect(limiter.take('token#1', T0 + 201)).toBe(0);
    expect(limiter.take('token#1', T0 + 202)).toBe(1);
    // Waiting the Retry-After it gave is always enough.
    expect(limiter.take('token#1', T0 + 202 + 1_000)).toBe(0);
  });

  it('caps the refill at one burst however long the token was idle', () => {
    const limiter = new RateLimiter(3);
    takeMany(limiter, 'token#1', 3, T0);
    expect(takeMany(limiter, 'token#1', 4, T0 + 3_600_000)).toEqual([0, 0, 0, 1]);
  });

  it('keeps one bucket per token', () => {
    const limiter = new RateLimiter(1);
    expect(limiter.take('token#1', T0)).toBe(0);
    expect(limiter.take('token#1', T0)).toBe(1);
    expect(limiter.take('token#2', T0)).toBe(0);
  });

  it('is off at rate 0', () => {
    const limiter = new RateLimiter(0);
    expect(takeMany(limiter, 'token#1', 1_000, T0).every((w) => w === 0)).toBe(true);
  });
});
