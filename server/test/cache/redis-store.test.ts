import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntity, encodeEntity } from '../../src/cache/codec.js';
import { cacheKeys, changesChannel, refreshChannel, teamField } from '../../src/cache/keys.js';
import { RedisRefreshLock } from '../../src/cache/lock.js';
import { createRedisClient, redactRedisUrl, waitForReady } from '../../src/cache/redis-client.js';
import { RedisStore } from '../../src/cache/redis-store.js';
import { uniquePrefix } from '../support/ids.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { buildGeneration, entity, metaFor, runStoreContract } from './store.contract.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function connect(url = REDIS_URL, name = 'test'): Promise<Redis> {
  const redis = createRedisClient(url, { name });
  redis.on('error', () => undefined); // outages are what some of these tests are about
  await waitForReady(redis);
  return redis;
}

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

/** Elapsed ms of a promise that must reject. */
async function timeRejection(p: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await expect(p).rejects.toThrow();
  return Date.now() - started;
}

describe('redis store specifics', () => {
  let server: TestRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('encodes an entity as a positional array, version first, and decodes it exactly', () => {
    const e = entity(42, {
      tenantName: 'Données "✓"',
      teamName: 'a\u0001b\\',
      currentSla: 0.1 + 0.2,
      version: 2 ** 53 - 1,
    });
    const text = encodeEntity(e);
    expect(text.startsWith(`[${2 ** 53 - 1},42,`)).toBe(true);
    expect(text).not.toContain('tenantName');
    expect(decodeEntity(text)).toEqual(e);
    expect(() => encodeEntity(entity(1, { version: 1.5 }))).toThrow(/version/);
    expect(() => decodeEntity('[1,2,3]')).toThrow(/not an encoded entity/);
    expect(() => decodeEntity(text.replace('"Passed"', '"Bogus"'))).toThrow(/not an encoded entity/);
  });

  it('lays keys out under the prefix with the {cache} hash tag', async () => {
    expect(cacheKeys().current).toBe('sla:{cache}:current');
    expect(cacheKeys().entities(3)).toBe('sla:{cache}:entities:3');
    expect([refreshChannel(), changesChannel()]).toEqual(['sla:refresh', 'sla:changes']);

    const prefix = uniquePrefix('layout');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const lock = new RedisRefreshLock(redis, prefix, 'pod-a');
    try {
      const held = await lock.acquire(10_000);
      if (!held) throw new Error('lock not acquired');
      const rows = [entity(1), entity(2), entity(3, { teamName: 'Other' })];
      await store.beginGeneration(held.fence, 0);
      await store.writeSnapshot(held.fence, rows);
      expect(await store.switchGeneration(metaFor(held.fence, 9), held.token)).toBe('switched');

      const k = cacheKeys(prefix);
      const g = held.fence;
      expect((await redis.keys(`${prefix}*`)).sort()).toEqual(
        [k.current, k.lock, k.fence, k.meta(g), k.entities(g), k.teams(g)].sort(),
      );
      expect(await redis.get(k.current)).toBe(String(g));
      expect(await redis.hget(k.entities(g), '1')).toBe(encodeEntity(rows[0] ?? entity(0)));
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
      });
      expect(await redis.get(k.lock)).toBe(held.token);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  it('applies a run of thousands of entities with one script call', async () => {
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
      expect(calls('evalsha') + calls('eval')).toBe(1);
      expect(calls('hmget')).toBe(6); // 3 slices of 1,000 for each of the two generations
      expect(await store.counts()).toEqual({ entities: 3000, teams: 1 });
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

  it('never makes a caller wait on a dead or hung server, and recovers by itself', async () => {
    const own = await startRedisServer();
    const redis = await connect(own.url);
    const store = new RedisStore(redis, uniquePrefix('dead'));
    try {
      await buildGeneration(store, 1, [entity(1)], 0);

      own.freeze(); // connections stay open, nothing answers
      expect(await timeRejection(store.getEntity(1))).toBeLessThan(1500);
      own.thaw();
      await expect.poll(() => store.getEntity(1).catch(() => null), { timeout: 10_000 }).toEqual(entity(1));

      await own.stop();
      expect(await timeRejection(store.getEntity(1))).toBeLessThan(1500);
      expect(await timeRejection(store.applyChanges({ fromId: 2, toId: 2, entities: [entity(2)] }))).toBeLessThan(1500);

      await own.start(); // same port, empty: nothing was persisted
      await waitForReady(redis, 10_000);
      expect(await store.meta()).toBeNull();
    } finally {
      redis.disconnect();
      await own.close();
    }
  });

  it('fails fast while the network is cut and reconnects when it heals', async () => {
    const proxy = await startTcpProxy(server.port);
    const redis = await connect(`redis://127.0.0.1:${proxy.port}`);
    const store = new RedisStore(redis, uniquePrefix('proxy'));
    try {
      await buildGeneration(store, 1, [entity(1)], 0);
      proxy.pause();
      expect(await timeRejection(store.getEntity(1))).toBeLessThan(1500);
      proxy.resume();
      await waitForReady(redis, 10_000);
      expect(await store.getEntity(1)).toEqual(entity(1));
      proxy.cut();
      await expect.poll(() => store.getEntity(1).catch(() => null), { timeout: 10_000 }).toEqual(entity(1));
    } finally {
      await store.clear().catch(() => undefined);
      redis.disconnect();
      await proxy.close();
    }
  });

  it('configures clients to fail fast and reconnect forever, with TLS for rediss://', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot checked before connecting\n');
    const cmd = createRedisClient('rediss://app:pw@cache.example:6380/2', {
      name: 'pod-1:cmd',
      tlsCaFile: caFile,
      lazyConnect: true,
    });
    const sub = createRedisClient('redis://cache.example', { name: 'pod-1:sub', subscriber: true, lazyConnect: true });
    try {
      expect(cmd.options).toMatchObject({
        host: 'cache.example',
        port: 6380,
        db: 2,
        username: 'app',
        password: 'pw',
        connectionName: 'pod-1:cmd',
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 1000,
        enableAutoPipelining: true,
      });
      expect(cmd.options.tls?.ca).toEqual(readFileSync(caFile));
      expect(sub.options.enableAutoPipelining).toBe(false);
      expect(sub.options.tls).toBeUndefined();
      const retry = cmd.options.retryStrategy;
      expect([1, 5, 10, 1000].map((n) => retry?.(n))).toEqual([100, 500, 1000, 1000]);
    } finally {
      cmd.disconnect();
      sub.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('authenticates with the password in the URL and redacts it for logs', async () => {
    const own = await startRedisServer({ password: 's3cr:et' });
    const redis = await connect(own.url);
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(redactRedisUrl(own.url)).toBe(`redis://:***@127.0.0.1:${own.port}`);
      expect(redactRedisUrl('rediss://user:pw@host:6380/0')).toBe('rediss://user:***@host:6380/0');
      expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
    } finally {
      await redis.quit();
      await own.close();
    }
  });

  it('delivers on the prefix channels through a subscriber connection', async () => {
    const prefix = uniquePrefix('pubsub');
    const sub = createRedisClient(server.url, { name: 'sub', subscriber: true });
    sub.on('error', () => undefined);
    const pub = await connect(server.url);
    try {
      await waitForReady(sub);
      await sub.subscribe(changesChannel(prefix));
      const received = new Promise<string>((resolve) =>
        sub.once('message', (_channel: string, m: string) => resolve(m)),
      );
      await pub.publish(changesChannel(prefix), 'hello');
      expect(await received).toBe('hello');
    } finally {
      await sub.quit();
      await pub.quit();
    }
  });

  it('writes a 200,000-entity snapshot in batches, as a refresh does (prints the rate)', async () => {
    const redis = await connect(server.url);
    const store = new RedisStore(redis, uniquePrefix('throughput'));
    const n = 200_000;
    const rows = Array.from({ length: n }, (_, i) =>
      entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }),
    );
    try {
      await store.beginGeneration(1, 0);
      const started = performance.now();
      // As a refresh does it: one call per batch read from PostgreSQL.
      for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
      const seconds = (performance.now() - started) / 1000;
      const rate = Math.round(n / seconds);
      console.info(`writeSnapshot: ${n} entities in ${seconds.toFixed(2)} s = ${rate} entities/s`);
      expect(await store.switchGeneration(metaFor(1, 0), null)).toBe('switched');
      expect(await store.counts()).toEqual({ entities: n, teams: 10_000 / 20 });
      // Only a floor far below an idle machine's rate: this file shares the CPUs with others.
      expect(rate).toBeGreaterThan(10_000);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
