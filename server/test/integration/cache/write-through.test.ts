import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy } from '../../../../test/support/delay-proxy.js';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { dropSchema, eventually, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect, REDIS_URL } from './redis-helpers.js';

const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);

/**
 * A pod whose Redis traffic passes a delaying proxy, and a store reading the same keys
 * directly (no delay), which shows what Redis holds at the moment the pod answers.
 */
async function podBehindDelay(name: string, waitMs: number) {
  const schema = uniqueSchema(name);
  const prefix = uniquePrefix(name);
  const proxy = await startDelayProxy(REDIS_PORT);
  const app = await startPod({
    schema,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    REDIS_KEY_PREFIX: prefix,
    CACHE_WRITE_THROUGH_WAIT_MS: String(waitMs),
    POD_ID: name,
  });
  const direct = await connect(REDIS_URL, `${name}-direct`);
  const store = new RedisStore(direct, prefix);
  const mode = async () => (await getJson(app.url, '/api/cache/status')).json.mode;
  await eventually(async () => (await mode()) === 'redis', 15_000, 'the pod in redis mode');
  return { schema, prefix, proxy, app, direct, store, mode };
}

/** Posts one update; returns how long the 2xx took (ms), the change id and the entity id. */
async function ingest(url: string, entityName: string) {
  const started = performance.now();
  const r = await post(url, '/api/cache/incremental-update', { ...UPDATE, entityName });
  const ms = performance.now() - started;
  expect(r.status, r.text).toBe(200);
  return { ms, changeId: r.json.changeId as number, entityId: (r.json.entity as { id: number }).id };
}

describe('write-through: the ingest answer waits for the Redis write, up to CACHE_WRITE_THROUGH_WAIT_MS', () => {
  type Pod = Awaited<ReturnType<typeof podBehindDelay>>;
  const pods: Pod[] = [];
  let within: Pod;
  let beyond: Pod;

  beforeAll(async () => {
    within = await podBehindDelay('wt_within', 250);
    pods.push(within);
    beyond = await podBehindDelay('wt_beyond', 100);
    pods.push(beyond);
    // A first write on an undelayed link warms up the pod (connections, scripts, code paths).
    for (const p of pods) await ingest(p.app.url, 'warm_up');
  });
  afterAll(async () => {
    for (const p of pods) {
      await p.app.close();
      await p.proxy.close();
      await p.store.clear();
      p.direct.disconnect();
      await dropSchema(p.schema);
    }
  });

  const inRedis = async (store: RedisStore, w: { changeId: number; entityId: number }) => {
    const [meta, entity] = await Promise.all([store.meta(), store.getEntity(w.entityId)]);
    return { watermark: meta?.appliedChangeId ?? 0, version: entity?.version ?? 0 };
  };

  it('answers only after Redis holds the change when Redis is slower than a commit but within the bound', async () => {
    // Only what the pod sends is held back: a command reaches Redis 50 ms after it was sent.
    // A write-through is two round trips (the bucket scripts, then finish.lua), and ioredis
    // keeps one auto-pipelined batch in flight, so a write queued behind the link's ping
    // probe completes up to three delays late: 150 ms, still inside the 250 ms bound.
    within.proxy.setDelay({ toServer: 50 });
    expect(await within.mode()).toBe('redis');
    const w = await ingest(within.app.url, 'within_bound');
    expect(await inRedis(within.store, w)).toEqual({ watermark: w.changeId, version: w.changeId });
    expect(w.ms).toBeGreaterThanOrEqual(70);
    expect(await within.mode()).toBe('redis');
  });

  it('answers at about the bound when Redis is slower than it, and Redis gets the change later', async () => {
    // 400 ms each way to Redis, twice that behind a probe: still under the 1 s command
    // timeout, so the link stays up and the pod stays in redis mode while it posts.
    beyond.proxy.setDelay({ toServer: 400 });
    expect(await beyond.mode()).toBe('redis');
    const w = await ingest(beyond.app.url, 'beyond_bound');
    const seen = await inRedis(beyond.store, w);
    expect(w.ms).toBeGreaterThanOrEqual(90);
    expect(w.ms).toBeLessThan(300);
    expect(seen.version).toBe(0);
    expect(seen.watermark).toBeLessThan(w.changeId);
    // The entity lands first (bucket scripts), the watermark one round trip later (finish.lua).
    const landed = async () => {
      const now = await inRedis(beyond.store, w);
      return now.version === w.changeId && now.watermark >= w.changeId;
    };
    await eventually(landed, 5_000, 'the change in Redis');
    expect((await inRedis(beyond.store, w)).watermark).toBeGreaterThanOrEqual(w.changeId);
    expect(await beyond.mode()).toBe('redis');
  });
});
