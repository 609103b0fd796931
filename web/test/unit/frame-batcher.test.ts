import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from '../../src/lib/frame-batcher';
import { throttle } from '../../src/lib/throttle';

describe('frame batcher', () => {
  it('delivers everything pushed before a frame in one call, in order', () => {
    const frames: (() => void)[] = [];
    const calls: number[][] = [];
    const b = createFrameBatcher<number>(
      (items) => calls.push(items),
      (run) => frames.push(run),
    );
    for (let i = 0; i < 500; i++) b.push(i);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    b.push(500);
    frames.shift()?.();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toHaveLength(500);
    expect(calls[1]).toEqual([500]);
  });

  it('drops the oldest items past the cap and reports the overflow', () => {
    const frames: (() => void)[] = [];
    let got: { items: number[]; overflowed: boolean } | null = null;
    const b = createFrameBatcher<number>(
      (items, overflowed) => (got = { items, overflowed }),
      (run) => frames.push(run),
      {
        max: 3,
      },
    );
    for (let i = 0; i < 5; i++) b.push(i);
    frames.shift()?.();
    expect(got).toEqual({ items: [2, 3, 4], overflowed: true });
  });
});

describe('frame batcher under a burst', () => {
  it('sends a lone item on the next frame but spaces later flushes by the minimum interval', () => {
    let now = 0;
    const frames: (() => void)[] = [];
    const delayed: { at: number; run: () => void }[] = [];
    const calls: number[][] = [];
    const b = createFrameBatcher<number>(
      (items) => calls.push(items),
      (run) => frames.push(run),
      {
        minIntervalMs: 100,
        now: () => now,
        delay: (run, ms) => delayed.push({ at: now + ms, run }),
      },
    );
    b.push(1);
    frames.shift()?.();
    expect(calls).toEqual([[1]]);
    now = 16;
    b.push(2);
    b.push(3);
    expect(frames).toHaveLength(0);
    expect(delayed[0]?.at).toBe(100);
    now = 100;
    delayed.shift()?.run();
    frames.shift()?.();
    expect(calls).toEqual([[1], [2, 3]]);
  });
});

describe('throttle', () => {
  it('runs at once, then once at the end of the window for any number of calls', () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const t = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
      clearTimeout: () => undefined,
    };
    let runs = 0;
    const call = throttle(() => runs++, 1000, t);
    call();
    expect(runs).toBe(1);
    now = 100;
    call();
    call();
    call();
    expect(runs).toBe(1);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.at).toBe(1000);
    now = 1000;
    timers.shift()?.fn();
    expect(runs).toBe(2);
    now = 2500;
    call();
    expect(runs).toBe(3);
  });
});
