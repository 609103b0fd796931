import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { RedisRefreshLock } from '../../../src/cache/lock/redis-lock.js';
import { createRedisClient } from '../../../src/cache/redis/client.js';
import { defineCacheScripts } from '../../../src/cache/redis/commands.js';
import { cacheKeys } from '../../../src/cache/redis/keys.js';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { dictionaryOf, LAYOUT_VERSION, packEntity } from '../../../src/cache/store/packed.js';
import { teamField } from '../../../src/cache/store/team-field.js';
import { GenerationGoneError } from '../../../src/cache/store/types.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect } from './redis-helpers.js';
import { buildGeneration, entity, metaFor, runStoreContract } from './store.contract.js';

runStoreContract('redis', async () => {
  const prefix = uniquePrefix('store');
  const redis = await connect();
  const store = new RedisStore(redis, prefix);
  return {
    store,
    lock: new RedisRefreshLock(redis, prefix, 'pod-a'),
    otherLock: (podId) => new RedisRefreshLock(redis, prefix, podId),
    close: async () => {
      await store.clear();
      await redis.quit();
    },
  };
});

describe('redis store specifics', () => {
  let server: TestRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('stores a generation as the documented keys: coordination under {cache}, entities in listpack buckets', async () => {
    const prefix = uniquePrefix('layout');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const lock = new RedisRefreshLock(redis, prefix, 'pod-a');
    try {
      const held = await lock.acquire(10_000);
      if (!held) throw new Error('lock not acquired');
      const rows = [entity(1), entity(2), entity(300, { teamName: 'Other' })];
      await store.beginGeneration(held.fence, 0);
      await store.writeSnapshot(held.fence, rows);
      expect(await store.switchGeneration(metaFor(held.fence, 9), held.token)).toBe('switched');

      const k = cacheKeys(prefix);
      const g = held.fence;
      const nonce = (await redis.hget(k.meta(g), 'nonce')) ?? '';
      expect(nonce).toMatch(/^[0-9a-z]+$/);
      expect((await redis.keys(`${prefix}*`)).sort()).toEqual(
        [
          k.current,
          k.lock,
          k.fence,
          k.dict,
          k.meta(g),
          k.teams(g),
          k.buckets(g),
          k.bucket(0, g, nonce),
          k.bucket(2, g, nonce),
        ].sort(),
      );
      expect(k.bucket(2, g, nonce)).toBe(`${prefix}{b2}:${g}:${nonce}`);
      expect(await redis.get(k.current)).toBe(String(g));
      expect(await redis.object('ENCODING', k.bucket(0, g, nonce))).toBe('listpack');
      const ids = await redis.hgetall(k.dict);
      const dict = dictionaryOf(
        Object.entries(ids).flatMap(([f, v]) => (f.startsWith('s:') ? [[f.slice(2), Number(v)] as const] : [])),
      );
      expect(await redis.hget(k.bucket(0, g, nonce), '1')).toBe(packEntity(rows[0] ?? entity(0), dict));
      expect((await redis.smembers(k.buckets(g))).sort()).toEqual(['0', '2']);
      expect(await redis.hgetall(k.teams(g))).toEqual({
        [teamField('Data Engineering', 'PGM')]: '2',
        [teamField('Data Engineering', 'Other')]: '1',
      });
      expect(await redis.hgetall(k.meta(g))).toEqual({
        generation: String(g),
        appliedChangeId: '9',
        entityCount: '3',
        teamCount: '2',
        builtAt: '1736600000000',
        builtBy: 'pod-a',
        durationMs: '42',
        nonce,
        layout: String(LAYOUT_VERSION),
      });
      expect(await redis.get(k.lock)).toBe(held.token);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('writes runs straight into the buckets of a generation being built; the switch unlinks the old buckets', async () => {
    const prefix = uniquePrefix('building');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const k = cacheKeys(prefix);
    try {
      await buildGeneration(store, 1, [entity(1)], 0);
      const oldNonce = (await redis.hget(k.meta(1), 'nonce')) ?? '';
      await store.beginGeneration(2, 0);
      await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1, { version: 4 })] }, 2);
      await store.writeSnapshot(2, [entity(1, { version: 2 })]);
      expect(await store.switchGeneration(metaFor(2, 0), null)).toBe('switched');
      expect(await redis.exists(k.bucket(0, 1, oldNonce), k.teams(1), k.meta(1), k.buckets(1))).toBe(0);
      expect(await store.getEntity(1)).toEqual(entity(1, { version: 4 }));
      expect(await store.counts()).toEqual({ entities: 1, teams: 1 });
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('drops what a snapshot wrote into a generation fenced meanwhile', async () => {
    const prefix = uniquePrefix('late');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    try {
      await store.beginGeneration(5, 0);
      // Another refresh with a newer generation wins while this one is writing.
      const writing = store.writeSnapshot(
        5,
        Array.from({ length: 20_000 }, (_, i) => entity(i + 1)),
      );
      await store.beginGeneration(6, 0);
      expect(await store.switchGeneration(metaFor(6, 0), null)).toBe('switched');
      await expect(writing).rejects.toBeInstanceOf(GenerationGoneError);
      const k = cacheKeys(prefix);
      expect((await redis.keys(`${prefix}*`)).sort()).toEqual([k.current, k.meta(6), k.dict].sort());
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('applies a run with one script per bucket key, in three steps', async () => {
    const prefix = uniquePrefix('onecall');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    try {
      await buildGeneration(store, 1, [], 0);
      await store.beginGeneration(2, 0);
      const run = Array.from({ length: 3000 }, (_, i) => entity(i + 1, { version: 5 }));
      await redis.config('RESETSTAT');
      await store.applyChanges({ fromId: 1, toId: 5, entities: run }, 2);
      const stats = await redis.info('commandstats');
      const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      // prepare, 24 buckets (ids 1..3000) in each of the two generations, finish for each.
      expect(calls('evalsha') + calls('eval')).toBe(1 + 2 * 24 + 2);
      expect(await store.counts()).toEqual({ entities: 3000, teams: 1 });
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('a pod that remembers a switched-out generation writes the run again into the new one and leaves nothing behind', async () => {
    const prefix = uniquePrefix('stale');
    const redis = await connect(server.url);
    const pod = new RedisStore(redis, prefix);
    const refresher = new RedisStore(redis, prefix);
    const k = cacheKeys(prefix);
    try {
      await buildGeneration(refresher, 1, [entity(1)], 0);
      // The pod learns generation 1 (nonce, dictionary ids) with its first write.
      expect(await pod.applyChanges({ fromId: 1, toId: 1, entities: [entity(1, { version: 2 })] })).toBe(1);
      await buildGeneration(refresher, 2, [entity(1, { version: 2 })], 1);
      // A new bucket (id 1000) of the old generation would be left behind if the pod kept it.
      const run = { fromId: 2, toId: 2, entities: [entity(1, { version: 3 }), entity(1000, { version: 3 })] };
      expect(await pod.applyChanges(run)).toBe(2);
      expect(await refresher.getEntity(1000)).toEqual(entity(1000, { version: 3 }));
      expect(await refresher.counts()).toEqual({ entities: 2, teams: 1 });
      const left = (await redis.keys(`${prefix}{b*}`)).filter((key) => key.includes('}:1:'));
      expect(left).toEqual([]);
      expect(await redis.exists(k.meta(1))).toBe(0);
    } finally {
      await pod.clear();
      await redis.quit();
    }
  });

  it('runs a generation script only against the pointer it declared keys for, and follows a moved pointer', async () => {
    const prefix = uniquePrefix('moved');
    const redis = await connect(server.url);
    const pod = new RedisStore(redis, prefix);
    const refresher = new RedisStore(redis, prefix);
    const k = cacheKeys(prefix);
    try {
      await buildGeneration(refresher, 1, [entity(1)], 0);
      expect(await pod.meta()).toMatchObject({ generation: 1 }); // the pod remembers pointer 1
      await buildGeneration(refresher, 2, [entity(1), entity(2)], 0);
      await buildGeneration(refresher, 3, [entity(1), entity(2), entity(3)], 0);
      // Its next calls are refused once (the keys declared were generation 1's) and repeated.
      expect(await pod.meta()).toMatchObject({ generation: 3, entityCount: 3 });
      expect(await pod.counts()).toEqual({ entities: 3, teams: 1 });
      expect(await pod.applyChanges({ fromId: 1, toId: 1, entities: [entity(4)] })).toBe(1);
      expect(await refresher.getEntity(4)).toEqual(entity(4));

      // A script given a pointer that is not the current one stops before writing anything.
      const scripts = defineCacheScripts(redis);
      const declared = [k.current, k.meta(1), k.teams(1), k.buckets(1), k.meta(5), k.teams(5), k.buckets(5)];
      await expect(scripts.begin(declared, ['1', LAYOUT_VERSION, 5, 0, 'abc'])).rejects.toThrow(/^SLA_POINTER 3$/);
      expect(await redis.exists(k.meta(5))).toBe(0);
      // And one that reaches for a generation key it was not given fails instead of deriving it.
      await expect(
        scripts.begin([k.current, k.meta(3), k.teams(3), k.buckets(3)], ['3', LAYOUT_VERSION, 5, 0, 'abc']),
      ).rejects.toThrow(/undeclared key/);
      expect(await redis.exists(k.meta(5))).toBe(0);
    } finally {
      await pod.clear();
      await redis.quit();
    }
  });

  it('ignores a generation of another layout version and rebuilds over it', async () => {
    const prefix = uniquePrefix('layoutv');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const k = cacheKeys(prefix);
    // Layout 1's keys (what pods of the previous release read) stay untouched.
    const legacy = { [`${prefix}{cache}:current`]: '1' };
    try {
      await redis.set(`${prefix}{cache}:current`, '1');
      await buildGeneration(store, 1, [entity(1)], 0);
      await redis.hset(k.meta(1), 'layout', String(LAYOUT_VERSION + 1));
      expect(await store.meta()).toBeNull();
      expect(await store.counts()).toEqual({ entities: 0, teams: 0 });
      expect(await store.getEntity(1)).toBeNull();
      expect(await store.scan(() => undefined)).toBeNull();
      expect(await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1, { version: 3 })] })).toBe(0);
      // A refresh of this layout replaces it.
      await store.beginGeneration(2, 1);
      await store.writeSnapshot(2, [entity(1, { version: 2 }), entity(2)]);
      expect(await store.switchGeneration(metaFor(2, 1), null)).toBe('switched');
      expect(await store.meta()).toMatchObject({ generation: 2, entityCount: 2 });
      expect(await store.getEntity(1)).toEqual(entity(1, { version: 2 }));
      // The other layout's generation is left to its own pods.
      expect(await redis.hget(k.meta(1), 'layout')).toBe(String(LAYOUT_VERSION + 1));
      expect(await redis.get(`${prefix}{cache}:current`)).toBe(legacy[`${prefix}{cache}:current`]);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('clear leaves keys outside its prefix alone, even with glob characters in it', async () => {
    const base = uniquePrefix('glob');
    const prefix = `${base}[a]*?:`;
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const foreign = [`${base}a:x`, `${base}other`, `${base}[a]*?`];
    try {
      await buildGeneration(store, 1, [entity(1)], 0);
      for (const key of foreign) await redis.set(key, '1');
      await store.clear();
      expect((await redis.keys(`${base}*`)).sort()).toEqual([...foreign].sort());
    } finally {
      await redis.del(...foreign);
      await redis.quit();
    }
  });

  it('refuses a client with an ioredis keyPrefix', async () => {
    const redis = createRedisClient(server.url, { name: 'prefixed', keyPrefix: 'x:', lazyConnect: true });
    expect(() => new RedisStore(redis)).toThrow(/keyPrefix/);
    expect(() => new RedisRefreshLock(redis, 'x:', 'pod')).toThrow(/keyPrefix/);
    redis.disconnect();
  });
});
