import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshLock } from '../../../src/cache/lock/lock.js';
import { MemoryLockState, MemoryRefreshLock } from '../../../src/cache/lock/memory-lock.js';
import { RedisRefreshLock } from '../../../src/cache/lock/redis-lock.js';
import { createRedisClient, waitForReady } from '../../../src/cache/redis/client.js';
import { cacheKeys } from '../../../src/cache/redis/keys.js';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { MemoryStore } from '../../../src/cache/store/memory-store.js';
import type { CacheStore } from '../../../src/cache/store/types.js';
import { uniquePrefix } from '../../support/ids.js';
import { REDIS_URL } from './redis-helpers.js';
import { entity, metaFor } from './store.contract.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Locks of several pods on one shared lock, and the store whose switch checks it. */
type LockHarness = { lockFor(podId: string): RefreshLock; store: CacheStore; close(): Promise<void> };

const redisClients: Redis[] = [];
beforeAll(async () => {
  for (let i = 0; i < 5; i++) {
    const redis = createRedisClient(REDIS_URL, { name: `lock-test-${i}` });
    redis.on('error', () => undefined);
    redisClients.push(redis);
  }
  await Promise.all(redisClients.map((r) => waitForReady(r)));
});
afterAll(async () => {
  await Promise.all(redisClients.map((r) => r.quit()));
});

const harnesses: Record<string, () => LockHarness> = {
  redis: () => {
    const prefix = uniquePrefix('lock');
    let next = 0;
    // Each pod on its own connection, as separate pods would be.
    const client = () => redisClients[next++ % redisClients.length] as Redis;
    const store = new RedisStore(client(), prefix);
    return { lockFor: (podId) => new RedisRefreshLock(client(), prefix, podId), store, close: () => store.clear() };
  },
  memory: () => {
    const state = new MemoryLockState();
    const store = new MemoryStore(new MemoryRefreshLock('store', state));
    return { lockFor: (podId) => new MemoryRefreshLock(podId, state), store, close: () => store.clear() };
  },
};

for (const [name, make] of Object.entries(harnesses)) {
  describe(`${name} refresh lock`, () => {
    const withLock = (title: string, body: (h: LockHarness) => Promise<void>) =>
      it(title, async () => {
        const h = make();
        try {
          await body(h);
        } finally {
          await h.close();
        }
      });

    withLock('lets exactly one of five concurrent pods take it', async ({ lockFor }) => {
      const pods = ['pod-1', 'pod-2', 'pod-3', 'pod-4', 'pod-5'];
      const results = await Promise.all(pods.map((p) => lockFor(p).acquire(10_000)));
      const winners = results.flatMap((r, i) => (r ? [{ pod: pods[i], ...r }] : []));
      expect(winners).toHaveLength(1);
      const [winner] = winners;
      expect(winner?.token.startsWith(`${winner.pod}:`)).toBe(true);
      expect(await lockFor('observer').holder()).toBe(winner?.pod);
    });

    withLock('is renewed and released only by its holder', async ({ lockFor }) => {
      const a = lockFor('pod-a');
      const b = lockFor('pod-b');
      const held = await a.acquire(10_000);
      if (!held) throw new Error('not acquired');
      expect(await b.acquire(10_000)).toBeNull();
      expect(await b.renew('pod-b:guess', 10_000)).toBe(false);
      expect(await b.release('pod-b:guess')).toBe(false);
      expect(await b.holder()).toBe('pod-a');
      expect(await a.renew(held.token, 10_000)).toBe(true);
      expect(await a.release(held.token)).toBe(true);
      expect(await a.release(held.token)).toBe(false);
      expect(await a.holder()).toBeNull();
      expect(await b.acquire(10_000)).not.toBeNull();
    });

    withLock('renewal keeps it past its first timeout', async ({ lockFor }) => {
      const a = lockFor('pod-a');
      const held = await a.acquire(1000);
      if (!held) throw new Error('not acquired');
      for (let i = 0; i < 4; i++) {
        await sleep(300);
        expect(await a.renew(held.token, 1000)).toBe(true);
      }
      expect(await lockFor('pod-b').acquire(10_000)).toBeNull();
    });

    withLock('once expired, another pod takes it and the old holder is fenced', async ({ lockFor, store }) => {
      const a = lockFor('pod-a');
      const b = lockFor('pod-b');
      const old = await a.acquire(50);
      if (!old) throw new Error('not acquired');
      await store.beginGeneration(old.fence, 0);
      await store.writeSnapshot(old.fence, [entity(1, { status: 'Failed' })]);
      await sleep(100);
      expect(await a.holder()).toBeNull();
      const taken = await b.acquire(10_000);
      if (!taken) throw new Error('expired lock not taken');
      expect(taken.fence).toBeGreaterThan(old.fence);
      // The old holder can neither extend, nor free, nor publish its work.
      expect(await a.renew(old.token, 10_000)).toBe(false);
      expect(await a.release(old.token)).toBe(false);
      expect(await store.switchGeneration(metaFor(old.fence, 0), old.token)).toBe('fenced');
      expect(await b.holder()).toBe('pod-b');
      // The new holder's refresh goes through.
      await store.beginGeneration(taken.fence, 0);
      await store.writeSnapshot(taken.fence, [entity(1)]);
      expect(await store.switchGeneration(metaFor(taken.fence, 0), taken.token)).toBe('switched');
      expect(await store.getEntity(1)).toEqual(entity(1));
    });

    withLock('hands out a larger fence on every acquisition', async ({ lockFor }) => {
      const fences: number[] = [];
      for (const pod of ['pod-a', 'pod-b', 'pod-a', 'pod-c']) {
        const lock = lockFor(pod);
        const held = await lock.acquire(10_000);
        if (!held) throw new Error('not acquired');
        fences.push(held.fence);
        await lock.release(held.token);
      }
      expect(fences).toEqual([...fences].sort((x, y) => x - y));
      expect(new Set(fences).size).toBe(fences.length);
      expect(fences[0]).toBeGreaterThan(0);
    });
  });
}

describe('the Redis lock across a failover', () => {
  it('never hands out a fence at or below the current generation, even when the counter went back', async () => {
    const prefix = uniquePrefix('fence-back');
    const redis = redisClients[0] as Redis;
    const store = new RedisStore(redis, prefix);
    const lock = new RedisRefreshLock(redis, prefix, 'pod-a');
    try {
      const first = await lock.acquire(10_000);
      if (!first) throw new Error('not acquired');
      for (let i = 0; i < 4; i++) await redis.incr(cacheKeys(prefix).fence);
      const gen = first.fence + 4;
      await store.beginGeneration(gen, 0);
      await store.writeSnapshot(gen, [entity(1)]);
      expect(await store.switchGeneration(metaFor(gen, 0), first.token)).toBe('switched');
      await lock.release(first.token);
      // A promoted replica that missed the last INCRs: the counter is below the generation in use.
      await redis.set(cacheKeys(prefix).fence, 1);
      const next = await lock.acquire(10_000);
      expect(next?.fence).toBe(gen + 1);
      expect(await redis.get(cacheKeys(prefix).fence)).toBe(String(gen + 1));
    } finally {
      await store.clear();
    }
  });

  it('with replicas expected, counts as taken only once a replica acknowledged it, else releases it', async () => {
    const prefix = uniquePrefix('fence-wait');
    const redis = redisClients[1] as Redis;
    // The test server has no replica: WAIT 1 times out with 0.
    const lock = new RedisRefreshLock(redis, prefix, 'pod-a', true);
    const startedAt = Date.now();
    expect(await lock.acquire(10_000)).toBeNull();
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(await redis.exists(cacheKeys(prefix).lock)).toBe(0);
    // Without replicas expected (a single server), the same lock is taken at once.
    expect(await new RedisRefreshLock(redis, prefix, 'pod-a').acquire(10_000)).not.toBeNull();
    await redis.del(cacheKeys(prefix).lock, cacheKeys(prefix).fence);
  });
});
