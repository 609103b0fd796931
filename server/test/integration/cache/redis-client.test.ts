import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { startTcpProxy } from '../../../../test/support/tcp-proxy.js';
import { createRedisClient, waitForReady } from '../../../src/cache/redis/client.js';
import { changesChannel } from '../../../src/cache/redis/keys.js';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { redactUrl } from '../../../src/platform/log.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect, timeRejection } from './redis-helpers.js';
import { buildGeneration, entity } from './store.contract.js';

describe('redis client', () => {
  let server: TestRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
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
      expect(redactUrl(own.url)).toBe(`redis://:***@127.0.0.1:${own.port}`);
      expect(redactUrl('rediss://user:pw@host:6380/0')).toBe('rediss://user:***@host:6380/0');
      expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
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
});
