import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { cacheKeys } from '../../src/cache/redis/keys.js';
import { dropSchema, eventually, PG_URL, post, spawnPod, startPod, UPDATE, uniqueSchema } from '../support/app.js';
import { pgEntities, podEntities, redisEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedEntities } from '../support/seed.js';

describe('pods killed at the worst moment', () => {
  let redis: TestRedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('a refresher killed mid-refresh leaves a lock that expires; another pod then completes the refresh', async () => {
    const schema = uniqueSchema('killrefresh');
    const prefix = uniquePrefix('killrefresh');
    await migratedSchema(schema);
    await seedEntities(schema, 100_000);
    const keys = cacheKeys(prefix);
    const client = new Redis(redis.url);
    let survivor: App | null = null;
    // Its start-up finds no cache in Redis and begins a full refresh under the lock.
    const doomed = spawnPod(
      {
        DATABASE_URL: PG_URL,
        DATABASE_SCHEMA: schema,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        CACHE_LOCK_TIMEOUT_MS: '3000',
        POD_ID: 'doomed',
      },
      120_000,
    ).catch(() => null);
    try {
      await eventually(async () => (await client.get(keys.lock)) !== null, 60_000, 'the refresh lock to be taken');
      expect(await client.get(keys.lock)).toMatch(/^doomed:/);
      const killedAt = Date.now();
      await killByEnv('doomed');
      expect(await client.get(keys.current)).toBeNull();
      survivor = await startPod({
        schema,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        CACHE_LOCK_TIMEOUT_MS: '3000',
        POD_ID: 'survivor',
      });
      await eventually(
        async () => (await client.get(keys.current)) !== null,
        30_000,
        'a generation switched in by the survivor',
      );
      expect(Date.now() - killedAt).toBeGreaterThan(1_000);
      const meta = await survivor.deps.cache.redis?.store.meta();
      expect(meta?.builtBy).toBe('survivor');
      expect(meta?.entityCount).toBe(100_000);
      expect((await redisEntities(redis.url, prefix)).size).toBe(100_000);
    } finally {
      client.disconnect();
      await survivor?.close();
      await doomed;
      await dropSchema(schema);
    }
  }, 180_000);

  it('a pod killed after its PostgreSQL commit and before its Redis write: Redis and the other pod have the change within 5 s', async () => {
    const schema = uniqueSchema('killcommit');
    const prefix = uniquePrefix('killcommit');
    const other = await startPod({ schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, POD_ID: 'other' });
    const victim = await spawnPod({
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      FAULT_INJECTION: 'kill-after-commit',
      POD_ID: 'victim',
    });
    try {
      const r = await post(victim.url, '/api/cache/incremental-update', {
        ...UPDATE,
        currentSla: 12.5,
        status: 'Failed',
      }).catch(() => null);
      expect(r, 'the victim died before answering').toBeNull();
      // Ended by SIGKILL: a signal, so no exit code.
      expect(await victim.exited).toBeNull();
      const truth = await pgEntities(schema);
      expect([...truth.values()].map((e) => e.currentSla)).toEqual([12.5]);
      const diedAt = Date.now();
      await eventually(
        async () => JSON.stringify(sorted(await redisEntities(redis.url, prefix))) === JSON.stringify(sorted(truth)),
        5_000,
        'redis to have the change',
      );
      await eventually(
        () => JSON.stringify(sorted(podEntities(other))) === JSON.stringify(sorted(truth)),
        5_000,
        'the other pod to have the change',
      );
      expect(Date.now() - diedAt).toBeLessThan(5_000);
    } finally {
      victim.kill('SIGKILL');
      await other.close();
      await dropSchema(schema);
    }
  });
});

/** SIGKILLs the pod process started with this POD_ID (its tsx wrapper and the node child). */
async function killByEnv(podId: string): Promise<void> {
  const { execSync } = await import('node:child_process');
  const pids = execSync(`grep -l "POD_ID=${podId}" /proc/[0-9]*/environ 2>/dev/null || true`)
    .toString()
    .split('\n')
    .map((p) => Number(p.split('/')[2]))
    .filter((p) => p > 0 && p !== process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}
