import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { ChangeTail } from '../../src/cache/change-tail.js';
import { range, subscribeChanges } from '../integration/ingest/helpers.js';
import { dropSchema, eventually, getJson, startPod, uniqueSchema } from '../support/app.js';
import { pgEntities, podEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedLongLog } from '../support/seed.js';
import { steadyWrites } from './workload.js';

/** `sla_change_log_reads_total` of one pod, by `reader/source`. */
async function logReads(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const reads: Record<string, number> = {};
  for (const m of text.matchAll(/^sla_change_log_reads_total\{reader="(\w+)",source="(\w+)"\} (\S+)$/gm))
    reads[`${m[1]}/${m[2]}`] = Number(m[3]);
  return reads;
}

/** Every change after `after` up to `head`, as a subscriber resuming on `url` receives them. */
async function resumeFrom(url: string, after: number, head: number): Promise<number[]> {
  const s = await subscribeChanges(url, { lastEventId: String(after) });
  try {
    await s.waitForCount(head - after, 60_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.errors).toEqual([]);
    return s.ids;
  } finally {
    await s.close();
  }
}

const waitForRedisMode = (app: App) =>
  eventually(async () => (await getJson(app.url, '/api/cache/status')).json.mode === 'redis', 30_000, 'redis mode');

describe('catch-up reads the Redis change tail first, PostgreSQL only beyond it', () => {
  let redis: TestRedisServer;
  const schemas: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis?.close();
    for (const s of schemas) await dropSchema(s);
  });

  it('a restarted pod and a resuming browser: within the tail from Redis alone, beyond it from PostgreSQL, exactly once and in order', async () => {
    const schema = uniqueSchema('tailrestart');
    schemas.push(schema);
    await migratedSchema(schema);
    const HEAD = 15_000;
    await seedLongLog(schema, 300, HEAD);
    const prefix = uniquePrefix('tailrestart');
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, CACHE_CHANGE_TAIL_SIZE: '10000' };
    // The first pod builds the cache and, meeting an empty tail, refills it from the log.
    const first = await startPod({ ...env, POD_ID: 'first' });
    await waitForRedisMode(first);
    const epoch = first.deps.cache.identity.epoch as string;
    const direct = new Redis(redis.url);
    cleanups.push(async () => direct.disconnect());
    const tail = new ChangeTail(direct, prefix, () => epoch, 10_000);
    await eventually(async () => (await tail.window())?.last === HEAD, 20_000, 'the tail refilled');
    const window = await tail.window();
    expect(window?.from).toBeLessThanOrEqual(HEAD - 10_000 + 1);
    await first.close();

    // Restarted: the view comes from Redis, the catch-up and a resume near the head from the tail.
    const pod = await startPod({ ...env, POD_ID: 'restarted' });
    cleanups.push(() => pod.close());
    await waitForRedisMode(pod);
    expect(pod.deps.cache.viewSource).toBe('redis');
    expect(await resumeFrom(pod.url, HEAD - 500, HEAD)).toEqual(range(HEAD - 499, HEAD));
    const near = await logReads(pod.url);
    expect(near['subscribe/redis_tail'] ?? 0).toBeGreaterThan(0);
    expect(near['subscribe/postgres'] ?? 0).toBe(0);
    expect(near['follower/postgres'] ?? 0).toBe(0);

    // Beyond the tail's reach: the older part from PostgreSQL, then the tail; each once, in order.
    expect(await resumeFrom(pod.url, 1_000, HEAD)).toEqual(range(1_001, HEAD));
    const far = await logReads(pod.url);
    expect(far['subscribe/postgres'] ?? 0).toBeGreaterThan(0);
    expect(far['subscribe/redis_tail'] ?? 0).toBeGreaterThan(near['subscribe/redis_tail'] ?? 0);
  }, 180_000);

  it('a subscriber cut while changes flow: what the pod missed comes from the tail, not PostgreSQL', async () => {
    const schema = uniqueSchema('tailcut');
    schemas.push(schema);
    const prefix = uniquePrefix('tailcut');
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    const writer = await startPod({ ...env, POD_ID: 'writer' });
    cleanups.push(() => writer.close());
    const reader = await startPod({ ...env, POD_ID: 'reader' });
    cleanups.push(() => reader.close());
    await waitForRedisMode(writer);
    await waitForRedisMode(reader);
    const admin = new Redis(redis.url);
    cleanups.push(async () => admin.disconnect());
    const before = await logReads(reader.url);

    const writes = steadyWrites(writer.url, 'Cut', { entities: 25, minimum: 25 });
    try {
      for (let k = 0; k < 3; k++) {
        await new Promise((r) => setTimeout(r, 300));
        await admin.client('KILL', 'TYPE', 'pubsub');
      }
    } finally {
      await writes.stop();
    }
    const head = writer.deps.cache.follower.applied;
    await eventually(() => reader.deps.cache.follower.applied === head, 5_000, 'the reader caught up');
    expect(JSON.stringify(sorted(podEntities(reader)))).toBe(JSON.stringify(sorted(await pgEntities(schema))));
    const after = await logReads(reader.url);
    expect((after['follower/redis_tail'] ?? 0) - (before['follower/redis_tail'] ?? 0)).toBeGreaterThan(0);
    expect((after['follower/postgres'] ?? 0) - (before['follower/postgres'] ?? 0)).toBe(0);
  }, 120_000);
});
