import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogThrottle } from '../../../src/platform/log-throttle.js';

function bufferLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('LogThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the first occurrence at once, counts repeats, and summarises them when the interval ends', async () => {
    const { log, lines } = bufferLogger();
    const t = new LogThrottle(log, 60_000);
    for (let i = 0; i < 100; i++) t.warn('redis-write', { err: `timeout ${i}` }, 'redis write failed');
    t.warn('other', { err: 'x' }, 'something else');
    await vi.advanceTimersByTimeAsync(1);
    expect(lines.map((l) => [l.msg, l.err, l.repeated])).toEqual([
      ['redis write failed', 'timeout 0', undefined],
      ['something else', 'x', undefined],
    ]);

    await vi.advanceTimersByTimeAsync(60_000);
    // 99 repeats in one summary line, with the last occurrence's fields; "other" never repeated, so no summary.
    expect(lines.slice(2).map((l) => [l.msg, l.err, l.repeated, l.overMs])).toEqual([
      ['redis write failed', 'timeout 99', 99, 60_000],
    ]);

    // After the window a new occurrence is news again.
    t.warn('redis-write', { err: 'again' }, 'redis write failed');
    expect(lines.at(-1)).toMatchObject({ msg: 'redis write failed', err: 'again' });
    expect(lines.at(-1)?.repeated).toBeUndefined();
  });

  it('flushes pending counts on demand and bounds the number of keys it tracks', async () => {
    const { log, lines } = bufferLogger();
    const t = new LogThrottle(log, 60_000, 2);
    t.error('a', {}, 'A');
    t.error('a', {}, 'A');
    t.error('b', {}, 'B');
    t.error('c', {}, 'C'); // a third key while two windows are open: debug only
    t.flush();
    await vi.advanceTimersByTimeAsync(1);
    expect(lines.map((l) => [l.msg, l.repeated])).toEqual([
      ['A', undefined],
      ['B', undefined],
      ['A', 1],
    ]);
  });
});
