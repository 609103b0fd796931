import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../../src/changelog/feed.js';
import type { LogChange } from '../../../src/domain/change.js';

const change = (id: number, tenantName = 'T'): LogChange => ({
  id,
  entityId: id,
  tenantName,
  teamName: 'm',
  entityType: 'table',
  entityName: `e${id}`,
  previousSla: null,
  previousStatus: null,
  currentSla: 99,
  status: 'Passed',
  slaTarget: 95,
  statusSince: 0,
  observedAt: 0,
  receivedAt: 0,
  applied: true,
  source: 'test',
});
const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => change(from + i));
const ids = (changes: readonly LogChange[] | null) => changes?.map((c) => c.id) ?? null;

describe('the replay ring', () => {
  it('covers nothing before it is primed, even when changes were pushed', () => {
    const feed = new ChangeFeed();
    feed.push(run(1, 5_000));
    expect(feed.window()).toBeNull();
    expect(feed.since(4_990, 10)).toBeNull();
    expect(feed.recent()).toEqual({ changes: [], window: null });
  });

  it('primed at the head, it serves what follows and reports the window it holds', () => {
    const feed = new ChangeFeed();
    feed.prime(run(20_001, 30_000), 30_000);
    feed.push(run(30_001, 30_003));
    expect(feed.window()).toEqual({ fromId: 20_001, toId: 30_003 });
    expect(ids(feed.since(29_999, 10))).toEqual([30_000, 30_001, 30_002, 30_003]);
    expect(ids(feed.since(30_003, 10))).toEqual([]);
    expect(feed.since(20_000, 10)?.[0]?.id).toBe(20_001);
    expect(feed.since(19_999, 10)).toBeNull();
  });

  it('a push that skips ids (574–575 missing) restarts the ring: nothing before the hole is served from it', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 573), 573);
    feed.push(run(576, 580));
    expect(feed.holesSeen).toBe(1);
    expect(feed.window()).toEqual({ fromId: 576, toId: 580 });
    expect(feed.since(570, 100)).toBeNull();
    expect(feed.since(573, 100)).toBeNull();
    expect(ids(feed.since(575, 100))).toEqual([576, 577, 578, 579, 580]);
    // The ring no longer claims to hold the whole log.
    expect(feed.recent().window?.fromId).toBe(576);
  });

  it('a hole inside one pushed run keeps only what follows it', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 10), 10);
    feed.push([change(11), change(12), change(15), change(16)]);
    expect(feed.window()).toEqual({ fromId: 15, toId: 16 });
    expect(feed.since(12, 10)).toBeNull();
  });

  it('repeats are skipped, not taken as holes', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 10), 10);
    feed.push(run(8, 12));
    expect(feed.holesSeen).toBe(0);
    expect(feed.window()).toEqual({ fromId: 1, toId: 12 });
    expect(ids(feed.since(0, 100))).toEqual(ids(run(1, 12)));
  });

  it('a primed tail with a hole keeps only the contiguous part that ends at the head', () => {
    const feed = new ChangeFeed();
    feed.prime([...run(1, 5), ...run(8, 10)], 10);
    expect(feed.window()).toEqual({ fromId: 8, toId: 10 });
    expect(feed.since(5, 10)).toBeNull();
  });

  it('an empty log primes a ring that covers everything; reset covers nothing again', () => {
    const feed = new ChangeFeed();
    feed.prime([], 0);
    expect(feed.window()).toEqual({ fromId: 1, toId: 0 });
    expect(feed.since(0, 10)).toEqual([]);
    feed.reset();
    expect(feed.window()).toBeNull();
  });

  it('subscribers hear every push, primed or not', () => {
    const feed = new ChangeFeed();
    const heard: number[] = [];
    feed.subscribe((changes) => heard.push(...changes.map((c) => c.id)));
    feed.push(run(1, 2));
    feed.prime(run(1, 2), 2);
    feed.push(run(3, 3));
    expect(heard).toEqual([1, 2, 3]);
  });
});
