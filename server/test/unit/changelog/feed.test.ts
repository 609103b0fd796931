import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../../src/changelog/feed.js';
import type { LogChange } from '../../../src/domain/change.js';
import { change, run } from '../fixtures.js';

const idsOf = (changes: readonly LogChange[] | null) => changes?.map((c) => c.id) ?? null;

describe('ChangeFeed', () => {
  it('answers null from an empty ring: the caller must read the log', () => {
    const feed = new ChangeFeed();
    expect(feed.since(0, 10)).toBeNull();
    expect(feed.since(5, 10)).toBeNull();
  });

  it('resumes from the ring only when it covers everything after the last id', () => {
    const feed = new ChangeFeed();
    feed.prime(run(101, 200).changes, 200);
    // Change 100 is not in the ring: a resume from 99 would miss it.
    expect(feed.since(99, 1_000)).toBeNull();
    expect(feed.since(0, 1_000)).toBeNull();
    // Exactly at the ring's start.
    expect(idsOf(feed.since(100, 1_000))).toEqual(run(101, 200).changes.map((c) => c.id));
    expect(idsOf(feed.since(150, 3))).toEqual([151, 152, 153]);
    // At the head: nothing missed.
    expect(feed.since(200, 10)).toEqual([]);
    feed.push(run(201, 202).changes);
    expect(idsOf(feed.since(200, 10))).toEqual([201, 202]);
  });

  it('priming notifies nobody, and priming again replaces the ring (a reload)', () => {
    const feed = new ChangeFeed();
    const heard: number[] = [];
    feed.subscribe((changes) => heard.push(...changes.map((c) => c.id)));
    feed.prime(run(1, 3).changes, 3);
    expect(idsOf(feed.recent().changes)).toEqual([1, 2, 3]);
    feed.prime(run(50, 60).changes, 60);
    expect(heard).toEqual([]);
    expect(feed.recent().window).toEqual({ fromId: 50, toId: 60 });
  });

  it('fans each push out in order to every subscriber until it unsubscribes', () => {
    const feed = new ChangeFeed();
    const a: number[] = [];
    const b: number[] = [];
    const offA = feed.subscribe((changes) => a.push(...changes.map((c) => c.id)));
    feed.subscribe((changes) => b.push(...changes.map((c) => c.id)));
    expect(feed.subscriberCount).toBe(2);
    feed.push(run(1, 2).changes);
    feed.push([]);
    offA();
    feed.push(run(3, 3).changes);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2, 3]);
    expect(feed.subscriberCount).toBe(1);
  });

  it('after overflow keeps the newest 20,000 changes and sends older resumes to the log', () => {
    const feed = new ChangeFeed();
    feed.prime([], 0);
    feed.push(run(1, 30_000).changes);
    // Up to 1.5 × the ring size is kept before trimming.
    expect(feed.since(0, 1)?.[0]?.id).toBe(1);
    feed.push(run(30_001, 30_001).changes);
    expect(feed.recent().changes).toHaveLength(20_000);
    expect(feed.recent().changes[0]?.id).toBe(10_002);
    expect(feed.since(10_000, 10)).toBeNull();
    expect(idsOf(feed.since(10_001, 2))).toEqual([10_002, 10_003]);
    expect(idsOf(feed.since(29_999, 10))).toEqual([30_000, 30_001]);
    expect(feed.since(30_001, 10)).toEqual([]);
  });
});

describe('the replay ring', () => {
  it('covers nothing before it is primed, even when changes were pushed', () => {
    const feed = new ChangeFeed();
    feed.push(run(1, 5_000).changes);
    expect(feed.window()).toBeNull();
    expect(feed.since(4_990, 10)).toBeNull();
    expect(feed.recent()).toEqual({ changes: [], window: null });
  });

  it('primed at the head, it serves what follows and reports the window it holds', () => {
    const feed = new ChangeFeed();
    feed.prime(run(20_001, 30_000).changes, 30_000);
    feed.push(run(30_001, 30_003).changes);
    expect(feed.window()).toEqual({ fromId: 20_001, toId: 30_003 });
    expect(idsOf(feed.since(29_999, 10))).toEqual([30_000, 30_001, 30_002, 30_003]);
    expect(idsOf(feed.since(30_003, 10))).toEqual([]);
    expect(feed.since(20_000, 10)?.[0]?.id).toBe(20_001);
    expect(feed.since(19_999, 10)).toBeNull();
  });

  it('a push that skips ids (574–575 missing) restarts the ring: nothing before the hole is served from it', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 573).changes, 573);
    feed.push(run(576, 580).changes);
    expect(feed.holesSeen).toBe(1);
    expect(feed.window()).toEqual({ fromId: 576, toId: 580 });
    expect(feed.since(570, 100)).toBeNull();
    expect(feed.since(573, 100)).toBeNull();
    expect(idsOf(feed.since(575, 100))).toEqual([576, 577, 578, 579, 580]);
    // The ring no longer claims to hold the whole log.
    expect(feed.recent().window?.fromId).toBe(576);
  });

  it('a hole inside one pushed run keeps only what follows it', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 10).changes, 10);
    feed.push([change(11), change(12), change(15), change(16)]);
    expect(feed.window()).toEqual({ fromId: 15, toId: 16 });
    expect(feed.since(12, 10)).toBeNull();
  });

  it('repeats are skipped, not taken as holes', () => {
    const feed = new ChangeFeed();
    feed.prime(run(1, 10).changes, 10);
    feed.push(run(8, 12).changes);
    expect(feed.holesSeen).toBe(0);
    expect(feed.window()).toEqual({ fromId: 1, toId: 12 });
    expect(idsOf(feed.since(0, 100))).toEqual(idsOf(run(1, 12).changes));
  });

  it('a primed tail with a hole keeps only the contiguous part that ends at the head', () => {
    const feed = new ChangeFeed();
    feed.prime([...run(1, 5).changes, ...run(8, 10).changes], 10);
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
    feed.push(run(1, 2).changes);
    feed.prime(run(1, 2).changes, 2);
    feed.push(run(3, 3).changes);
    expect(heard).toEqual([1, 2, 3]);
  });
});
