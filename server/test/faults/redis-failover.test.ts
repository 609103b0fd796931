import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { dropSchema, eventually, getJson, PG_URL, type PodProcess, spawnPod, uniqueSchema } from '../support/app.js';
import { pgChangeIds, pgEntities, podEntitiesOver, redisEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { runWorkload } from './workload.js';

const modeOf = async (app: { url: string }) => (await getJson(app.url, '/api/cache/status')).json.mode;

describe('Redis failover with two pods under load', () => {
  const schema = uniqueSchema('failover');
  const prefix = uniquePrefix('failover');
  let redis: TestRedisServer;
  let pods: PodProcess[] = [];
  // Separate processes, as in production: each pod has its own event loop, and the test's does not slow them.
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    pods = await Promise.all([spawnPod({ ...env, POD_ID: 'pod-a' }), spawnPod({ ...env, POD_ID: 'pod-b' })]);
  }, 120_000);
  afterAll(async () => {
    for (const p of pods) p.kill('SIGKILL');
    await redis?.close();
    await dropSchema(schema);
  });

  it('keeps serving and accepting through a Redis outage, then returns to Redis with nothing lost', async () => {
    expect(await Promise.all(pods.map(modeOf))).toEqual(['redis', 'redis']);
    const load = runWorkload(pods);
    await new Promise((r) => setTimeout(r, 1_500));

    const killedAt = Date.now();
    const events = [`killed at ${killedAt % 100_000}`];
    await redis.stop();
    await eventually(
      async () => (await Promise.all(pods.map(modeOf))).every((m) => m === 'memory'),
      3_000,
      'memory mode on both pods',
    );
    const switchMs = Date.now() - killedAt;
    const acceptedBefore = load.accepted.length;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(load.accepted.length, 'writes accepted while Redis was down').toBeGreaterThan(acceptedBefore);

    events.push(`restarting at ${Date.now() % 100_000}`);
    await redis.start();
    events.push(`restarted at ${Date.now() % 100_000}`);
    await eventually(
      async () => (await Promise.all(pods.map(modeOf))).every((m) => m === 'redis'),
      10_000,
      'redis mode on both pods',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();

    expect(load.failedReads).toEqual([]);
    expect(load.failedWrites).toEqual([]);
    expect(switchMs).toBeLessThan(3_000);
    expect(load.slowest.ms, `slowest request: ${load.slowest.what}; ${events.join(', ')}`).toBeLessThan(1_000);

    const ids = new Set(await pgChangeIds(schema));
    expect(load.accepted.filter((id) => !ids.has(id))).toEqual([]);
    const truth = sorted(await pgEntities(schema));
    await eventually(
      async () => JSON.stringify(sorted(await redisEntities(redis.url, prefix))) === JSON.stringify(truth),
      5_000,
      'redis = postgres',
    );
    expect(truth.length).toBeGreaterThan(10);
    for (const pod of pods)
      await eventually(
        async () => JSON.stringify(sorted(await podEntitiesOver(pod.url, 'Fault Tenant'))) === JSON.stringify(truth),
        5_000,
        'pod view = postgres',
      );
  });
});
