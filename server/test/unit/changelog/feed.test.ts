import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../../src/changelog/feed.js';
import type { LogChange } from '../../../src/domain/change.js';
import { run } from '../fixtures.js';

const idsOf = (changes: readonly LogChange[] | null) => changes?.map((c) => c.id) ?? null;

describe('ChangeFeed', () => {
  it('answers null from an empty ring: the caller must read the log', () => {
    const feed = new ChangeFeed();
    expect(feed.since(0, 10)).toBeNull();
    expect(feed.since(5, 10)).toBeNull();
  });

  it('resumes from the ring only when it covers everything after the last id', () => {
    const feed = new ChangeFeed();
    feed.prime(run(101, 200).changes);
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

  it('primes only an empty ring, and priming notifies nobody', () => {
    const feed = new ChangeFeed();
    const heard: number[] = [];
    feed.subscribe((changes) => heard.push(...changes.map((c) => c.id)));
    feed.prime(run(1, 3).changes);
    feed.prime(run(50, 60).changes);
    expect(heard).toEqual([]);
    expect(idsOf(feed.recent())).toEqual([1, 2, 3]);
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
    feed.push(run(1, 30_000).changes);
    // Up to 1.5 × the ring size is kept before trimming.
    expect(feed.since(0, 1)?.[0]?.id).toBe(1);
    feed.push(run(30_001, 30_001).changes);
    expect(feed.recent()).toHaveLength(20_000);
    expect(feed.recent()[0]?.id).toBe(10_002);
    expect(feed.since(10_000, 10)).toBeNull();
    expect(idsOf(feed.since(10_001, 2))).toEqual([10_002, 10_003]);
    expect(idsOf(feed.since(29_999, 10))).toEqual([30_000, 30_001]);
    expect(feed.since(30_001, 10)).toEqual([]);
  });
});
