import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeFollower, type Delivery } from '../../../src/changelog/follower.js';
import type { LogChange, LogRun } from '../../../src/domain/change.js';
import { capturedLog, change, run } from '../fixtures.js';

/** A follower over a fake change log holding ids 1..`head`, recording what it delivers. */
function harness(head = 10) {
  const { log, lines } = capturedLog();
  let failNext = 0;
  const reads: number[] = [];
  const read = vi.fn(async (afterId: number, limit: number): Promise<LogChange[]> => {
    reads.push(afterId);
    if (failNext > 0) {
      failNext--;
      throw new Error('connection terminated');
    }
    return run(afterId + 1, Math.min(head, afterId + limit)).changes;
  });
  const delivered: LogRun[] = [];
  const follower = new ChangeFollower(read, (r) => delivered.push(r), log);
  // As after loading a view of an empty log.
  follower.start(0);
  const ids = () => delivered.flatMap((r) => r.changes.map((c) => c.id));
  return {
    follower,
    read,
    reads,
    delivered,
    ids,
    lines,
    failReads: (n: number) => {
      failNext = n;
    },
    setHead: (n: number) => {
      head = n;
    },
  };
}

describe('ChangeFollower', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers runs that arrive in order at once, without reading the log', () => {
    const h = harness();
    h.follower.offer(run(1, 2));
    h.follower.offer(run(3, 3));
    expect(h.delivered.map((r) => [r.fromId, r.toId])).toEqual([
      [1, 2],
      [3, 3],
    ]);
    expect(h.follower.applied).toBe(3);
    expect(h.read).not.toHaveBeenCalled();
  });

  it('holds a run that arrives early and delivers it right after the missing one, in order', async () => {
    const h = harness(5);
    h.follower.offer(run(4, 5));
    h.follower.offer(run(3, 3));
    expect(h.delivered).toEqual([]);
    h.follower.offer(run(1, 2));
    expect(h.ids()).toEqual([1, 2, 3, 4, 5]);
    expect(h.delivered.map((r) => r.fromId)).toEqual([1, 3, 4]);
    // The gap closed before the wait ran out: nothing is pending, so the log is not read.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.reads).toEqual([]);
    expect(h.ids()).toEqual([1, 2, 3, 4, 5]);
  });

  it('waits about 50 ms for a gap to fill, then reads the log from the last delivered id', async () => {
    const h = harness(6);
    h.follower.offer(run(1, 2));
    h.follower.offer(run(5, 6));
    await vi.advanceTimersByTimeAsync(49);
    expect(h.read).not.toHaveBeenCalled();
    expect(h.ids()).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.reads).toEqual([2]);
    // 3..6 come from the log once; the held run 5..6 is not delivered again.
    expect(h.ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.follower.applied).toBe(6);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.reads).toEqual([2]);
  });

  it('delivers duplicates and overlapping runs once', () => {
    const h = harness();
    h.follower.offer(run(1, 3));
    h.follower.offer(run(1, 3));
    h.follower.offer(run(2, 3));
    h.follower.offer(run(2, 5));
    h.follower.offer(run(4, 4));
    expect(h.ids()).toEqual([1, 2, 3, 4, 5]);
    // The overlapping run is trimmed to what was new, so fromId..toId matches its changes.
    expect(h.delivered.at(-1)).toMatchObject({ fromId: 4, toId: 5 });
  });

  it('drops held runs that a later delivery covered', async () => {
    const h = harness(7);
    h.follower.offer(run(3, 4));
    h.follower.offer(run(6, 6));
    h.follower.offer(run(1, 7));
    expect(h.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await vi.advanceTimersByTimeAsync(50);
    // The gap timer still fires, reads nothing new and delivers nothing twice.
    expect(h.ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('retries a failed catch-up read on the next gap, logging it, never throwing', async () => {
    const h = harness(4);
    h.failReads(1);
    h.follower.offer(run(3, 4));
    await vi.advanceTimersByTimeAsync(50);
    expect(h.reads).toEqual([0]);
    expect(h.delivered).toEqual([]);
    expect(h.lines.some((l) => l.msg === 'gap catch-up failed; will retry')).toBe(true);
    h.follower.offer(run(4, 4));
    await vi.advanceTimersByTimeAsync(50);
    expect(h.reads).toEqual([0, 0]);
    expect(h.ids()).toEqual([1, 2, 3, 4]);
  });

  it('reads the log page by page until a short page, and shares one read between callers', async () => {
    const h = harness(12_000);
    await Promise.all([h.follower.catchUp(), h.follower.catchUp()]);
    expect(h.reads).toEqual([0, 5_000, 10_000]);
    expect(h.follower.applied).toBe(12_000);
    h.setHead(12_001);
    await h.follower.catchUp();
    expect(h.delivered.at(-1)).toMatchObject({ fromId: 12_001, toId: 12_001 });
  });

  it('keeps going when delivery throws: the failure is logged and the id counted', () => {
    const { log, lines } = capturedLog();
    const follower = new ChangeFollower(
      async () => [],
      () => {
        throw new Error('view broke');
      },
      log,
    );
    follower.start(0);
    follower.offer(run(1, 1));
    expect(follower.applied).toBe(1);
    expect(lines.find((l) => l.msg === 'change delivery failed')).toBeDefined();
  });

  it('stop cancels a pending gap read', async () => {
    const h = harness();
    h.follower.offer(run(2, 2));
    h.follower.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.read).not.toHaveBeenCalled();
  });
});

/** A follower over an in-memory log of `head` changes, recording what it delivers. */
function setup(head: number) {
  const log = Array.from({ length: head }, (_, i) => change(i + 1));
  const delivered: { from: number; to: number; how: Delivery }[] = [];
  let reads = 0;
  const follower = new ChangeFollower(
    async (after, limit) => {
      reads++;
      return log.filter((c) => c.id > after).slice(0, limit);
    },
    (r, how) => delivered.push({ from: r.fromId, to: r.toId, how }),
    capturedLog().log,
  );
  return { follower, delivered, log, reads: () => reads };
}

describe('the change follower before and after start', () => {
  it('before start, a catch-up (a subscriber reconnecting during start-up) reads and delivers nothing', async () => {
    const { follower, delivered, reads } = setup(30_000);
    await follower.catchUp();
    follower.offer(run(29_999, 30_000));
    expect(follower.started).toBe(false);
    expect(reads()).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('after start(head) it delivers from head + 1 on, and marks log reads apart from live runs', async () => {
    const { follower, delivered, log } = setup(30_000);
    follower.start(30_000);
    log.push(change(30_001), change(30_002));
    follower.offer(run(30_003, 30_003));
    await follower.catchUp();
    expect(follower.applied).toBe(30_003);
    expect(delivered).toEqual([
      { from: 30_001, to: 30_002, how: 'log' },
      { from: 30_003, to: 30_003, how: 'live' },
    ]);
  });

  it('a log read begun before a reset is not delivered after it', async () => {
    const { follower, delivered } = setup(10);
    follower.start(0);
    const reading = follower.catchUp();
    follower.reset();
    await reading;
    expect(delivered).toEqual([]);
    expect(follower.started).toBe(false);
  });
});

describe('ChangeFollower catch-up targets', () => {
  it('tells the reader how far it must get: the first pending run for a gap, the given target otherwise', async () => {
    const targets: unknown[] = [];
    const follower = new ChangeFollower(
      async (after, limit, target) => {
        targets.push(target);
        return run(after + 1, Math.min(8, after + limit)).changes;
      },
      () => undefined,
      capturedLog().log,
    );
    follower.start(0);
    follower.offer(run(1, 2));
    follower.offer(run(6, 8));
    await new Promise((r) => setTimeout(r, 100));
    expect(targets).toEqual([5]);
    expect(follower.applied).toBe(8);
    await follower.catchUp('tail');
    await follower.catchUp();
    expect(targets).toEqual([5, 'tail', null]);
  });
});
