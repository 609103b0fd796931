import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { RedisRefreshLock } from '../../src/cache/lock/redis-lock.js';
import { RedisStore } from '../../src/cache/redis/store.js';
import { runRefresh } from '../../src/cache/refresh/refresh.js';
import { dropSchema, eventually, post, startPod, uniqueSchema } from '../support/app.js';
import { pgEntities, redisEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedEntities } from '../support/seed.js';

describe('full refresh under the distributed lock', () => {
  const schema = uniqueSchema('refresh');
  const prefix = uniquePrefix('refresh');
  let redis: TestRedisServer;
  let app: App;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    await migratedSchema(schema);
    await seedEntities(schema, 20_000);
    app = await startPod({ schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, POD_ID: 'pod-a' });
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await app?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  it('runs on exactly one of five concurrent refreshers; the others are told who holds the lock', async () => {
    const d = app.deps;
    const refreshers = ['r1', 'r2', 'r3', 'r4', 'r5'].map((pod) =>
      runRefresh({
        ...d,
        config: { ...d.config, podId: pod },
        store: new RedisStore(client, prefix),
        lock: new RedisRefreshLock(client, prefix, pod),
        trigger: 'test',
      }),
    );
    const results = await Promise.all(refreshers);
    const started = results.filter((r) => r.started);
    expect(started).toHaveLength(1);
    const winner = ['r1', 'r2', 'r3', 'r4', 'r5'][results.findIndex((r) => r.started)];
    for (const r of results.filter((x) => !x.started)) expect(r.heldBy).toBe(winner);
    expect(started[0]?.entityCount).toBe(20_000);
  });

  it('keeps 1,000 concurrent updates, and readers never see a missing or older entity during the switch', async () => {
    const store = new RedisStore(client, prefix);
    const sampleIds = Array.from({ length: 50 }, (_, i) => 1 + i * 397);
    const seen = new Map<number, number>();
    const anomalies: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const id of sampleIds) {
          const e = await store.getEntity(id);
          if (!e) anomalies.push(`entity ${id} missing`);
          else if (e.version < (seen.get(id) ?? 0)) anomalies.push(`entity ${id} went back to version ${e.version}`);
          else seen.set(id, e.version);
        }
      }
    })();
    const refresh = post(app.url, '/api/cache/refresh', {});
    const updates = Array.from({ length: 1_000 }, (_, i) => ({
      tenantName: 'Bulk',
      teamName: `team-${(i * 13 + 1) % 12}`,
      entityType: 'table',
      entityName: `entity_${i * 13 + 1}`,
      currentSla: 50,
      status: 'Failed',
    }));
    const accepted: number[] = [];
    for (let i = 0; i < updates.length; i += 50)
      await Promise.all(
        updates.slice(i, i + 50).map(async (u) => {
          const r = await post(app.url, '/api/cache/incremental-update', u);
          expect(r.status).toBe(200);
          accepted.push(Number(r.json.changeId));
        }),
      );
    const r = await refresh;
    sampling = false;
    await sampler;
    expect(r.status).toBe(200);
    expect(r.json.started).toBe(true);
    expect(anomalies).toEqual([]);
    expect(accepted).toHaveLength(1_000);
    const truth = sorted(await pgEntities(schema));
    await eventually(
      async () => JSON.stringify(sorted(await redisEntities(redis.url, prefix))) === JSON.stringify(truth),
      5_000,
      'redis = postgres',
    );
    const inRedis = await redisEntities(redis.url, prefix);
    for (const u of updates) {
      const id = Number(u.entityName.slice('entity_'.length));
      expect(inRedis.get(id)).toMatchObject({ currentSla: 50, status: 'Failed' });
    }
  });

  it('fences a holder whose lock expired: its generation is never switched in', async () => {
    const store = new RedisStore(client, prefix);
    const stalled = new RedisRefreshLock(client, prefix, 'stalled');
    const got = await stalled.acquire(300);
    expect(got).not.toBeNull();
    const gen = got?.fence ?? 0;
    await store.beginGeneration(gen);
    await new Promise((r) => setTimeout(r, 500));
    const d = app.deps;
    const other = await runRefresh({
      ...d,
      store,
      lock: new RedisRefreshLock(client, prefix, 'fresh'),
      trigger: 'test',
    });
    expect(other.started).toBe(true);
    const outcome = await store.switchGeneration(
      {
        generation: gen,
        appliedChangeId: Number.MAX_SAFE_INTEGER,
        entityCount: 0,
        teamCount: 0,
        builtAt: Date.now(),
        builtBy: 'stalled',
        durationMs: 0,
      },
      got?.token ?? '',
    );
    expect(outcome).toBe('fenced');
    expect((await store.meta())?.generation).toBe(other.generation);
    expect(await stalled.release(got?.token ?? '')).toBe(false);
  });
});
