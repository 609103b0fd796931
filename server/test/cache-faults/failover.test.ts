import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/bootstrap.js';
import { dropSchema, eventually, getJson, startPod, uniqueSchema } from '../support/app.js';
import { pgChangeIds, pgEntities, podEntities, redisEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { runWorkload } from './workload.js';

const modeOf = async (app: App) => (await getJson(app.url, '/api/cache/status')).json.mode;

describe('Redis failover with two pods under load', () => {
  const schema = uniqueSchema('failover');
  const prefix = uniquePrefix('failover');
  let redis: TestRedisServer;
  let pods: App[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    pods = [await startPod({ ...env, POD_ID: 'pod-a' }), await startPod({ ...env, POD_ID: 'pod-b' })];
  });
  afterAll(async () => {
    for (const p of pods) await p.close();
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
    await eventually(async () => (await Promise.all(pods.map(modeOf))).every((m) => m === 'memory'), 3_000, 'memory mode on both pods');
    const switchMs = Date.now() - killedAt;
    const acceptedBefore = load.accepted.length;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(load.accepted.length, 'writes accepted while Redis was down').toBeGreaterThan(acceptedBefore);

    events.push(`restarting at ${Date.now() % 100_000}`);
    await redis.start();
    events.push(`restarted at ${Date.now() % 100_000}`);
    await eventually(async () => (await Promise.all(pods.map(modeOf))).every((m) => m === 'redis'), 10_000, 'redis mode on both pods');
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();

    expect(load.failedReads).toEqual([]);
    expect(load.failedWrites).toEqual([]);
    expect(switchMs).toBeLessThan(3_000);
    expect(load.slowest.ms, `slowest request: ${load.slowest.what}; ${events.join(', ')}`).toBeLessThan(1_000);

    const ids = new Set(await pgChangeIds(schema));
    expect(load.accepted.filter((id) => !ids.has(id))).toEqual([]);
    const truth = sorted(await pgEntities(schema));
    await eventually(async () => JSON.stringify(sorted(await redisEntities(redis.url, prefix))) === JSON.stringify(truth), 5_000, 'redis = postgres');
    for (const pod of pods) await eventually(() => JSON.stringify(sorted(podEntities(pod))) === JSON.stringify(truth), 5_000, 'pod view = postgres');
  });
});
