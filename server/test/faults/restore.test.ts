import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { createRedisClient, waitForReady } from '../../src/cache/redis/client.js';
import { RedisStore } from '../../src/cache/redis/store.js';
import { query, subscribeChanges, updateFor } from '../integration/ingest/helpers.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../support/app.js';
import { pgEntities, podEntities, redisEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';

const TABLES = ['sla_change', 'sla_entity', 'sla_log_epoch'];

/** A backup of the schema's tables, as pg_dump would take it. */
async function backup(schema: string): Promise<string> {
  const to = `${schema}_bk`;
  await query(`CREATE SCHEMA "${to}"`);
  for (const t of TABLES) await query(`CREATE TABLE "${to}".${t} AS TABLE "${schema}".${t}`);
  return to;
}

/** Restores the backup over the schema in one transaction (what an operator's restore leaves behind). */
async function restore(schema: string, from: string): Promise<void> {
  const sql = [`TRUNCATE ${TABLES.map((t) => `"${schema}".${t}`).join(', ')}`];
  for (const t of TABLES) sql.push(`INSERT INTO "${schema}".${t} SELECT * FROM "${from}".${t}`);
  await query(`BEGIN; ${sql.join('; ')}; COMMIT`);
}

async function write(url: string, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await post(url, '/api/cache/incremental-update', updateFor((from + i) % 40));
    expect(r.status, r.text).toBe(200);
  }
}

const epochOf = async (url: string) => String((await getJson(url, '/api/cache/status')).json.logEpoch);
const same = (a: Map<number, unknown>, b: Map<number, unknown>) =>
  JSON.stringify(sorted(a as never)) === JSON.stringify(sorted(b as never));

describe('a PostgreSQL restored from a backup behind a Redis that was kept', () => {
  let redis: TestRedisServer;
  const schemas: string[] = [];
  const pods: App[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of pods) await p.close();
    for (const s of schemas) await dropSchema(s);
    await redis?.close();
  });
  const boot = async (env: Record<string, string> & { schema: string }) => {
    const pod = await startPod({ ...env, REDIS_URL: redis.url });
    pods.push(pod);
    return pod;
  };
  const redisMeta = async (prefix: string) => {
    const client = createRedisClient(redis.url, { name: 'test' });
    client.on('error', () => undefined);
    try {
      await waitForReady(client);
      return await new RedisStore(client, prefix).meta();
    } finally {
      client.disconnect();
    }
  };

  it('pods stopped, database restored, pods started: a new epoch is minted, Redis rebuilt, old cursors refused', async () => {
    const schema = uniqueSchema('restore_cold');
    schemas.push(schema, `${schema}_bk`);
    const prefix = uniquePrefix('restore_cold');
    const first = await boot({ schema, REDIS_KEY_PREFIX: prefix, POD_ID: 'before' });
    await write(first.url, 30);
    const oldEpoch = await epochOf(first.url);
    const bk = await backup(schema);
    await write(first.url, 20, 30);
    await eventually(async () => (await redisMeta(prefix))?.appliedChangeId === 50, 5_000, 'redis at change 50');
    await first.close();
    await restore(schema, bk);

    const pod = await boot({ schema, REDIS_KEY_PREFIX: prefix, POD_ID: 'after' });
    const epoch = await epochOf(pod.url);
    expect(epoch).not.toBe(oldEpoch);
    const [row] = await query<{ epoch: string; reason: string }>(`SELECT epoch, reason FROM "${schema}".sla_log_epoch`);
    expect(row?.epoch).toBe(epoch);
    expect(row?.reason).toMatch(/redis watermark 50 is ahead/);
    await eventually(async () => (await redisMeta(prefix))?.epoch === epoch, 15_000, 'redis rebuilt for the new epoch');
    await eventually(() => pod.deps.cache.mode === 'redis', 10_000, 'redis mode');
    // Ids 31.. are handed out again; Redis must hold the new states, not the discarded ones.
    await write(pod.url, 25, 7);
    const truth = await pgEntities(schema);
    await eventually(async () => same(await redisEntities(redis.url, prefix), truth), 5_000, 'redis = postgres');
    expect(same(podEntities(pod), truth)).toBe(true);
    // A browser that saw change 45 of the discarded history must not resume at 45 of this one.
    const s = await subscribeChanges(pod.url, { lastEventId: `${oldEpoch}:45` });
    await eventually(() => s.errors.length > 0, 5_000, 'the old cursor to be refused');
    await s.close();
    expect(s.ids).toEqual([]);
    expect((s.errors[0] as { data?: { code?: string } }).data?.code).toBe('BAD_REQUEST');
  });

  it('restored under running pods that keep taking writes: the reused ids are noticed, every pod and Redis converge, subscribers are told', async () => {
    const schema = uniqueSchema('restore_live');
    schemas.push(schema, `${schema}_bk`);
    const prefix = uniquePrefix('restore_live');
    const a = await boot({ schema, REDIS_KEY_PREFIX: prefix, POD_ID: 'live-a' });
    const b = await boot({ schema, REDIS_KEY_PREFIX: prefix, POD_ID: 'live-b' });
    await write(a.url, 30);
    const oldEpoch = await epochOf(a.url);
    const bk = await backup(schema);
    await write(a.url, 20, 30);
    await eventually(() => b.deps.cache.follower.applied === 50, 5_000, 'b at change 50');
    const watcher = await subscribeChanges(b.url);
    await restore(schema, bk);
    await write(a.url, 25, 7);

    const truth = async () => pgEntities(schema);
    await eventually(
      async () => {
        const t = await truth();
        return same(podEntities(a), t) && same(podEntities(b), t) && same(await redisEntities(redis.url, prefix), t);
      },
      15_000,
      'both pods and redis = postgres',
    );
    const [row] = await query<{ epoch: string }>(`SELECT epoch FROM "${schema}".sla_log_epoch`);
    expect(row?.epoch).not.toBe(oldEpoch);
    expect(await epochOf(a.url)).toBe(row?.epoch);
    expect(await epochOf(b.url)).toBe(row?.epoch);
    await eventually(async () => (await redisMeta(prefix))?.epoch === row?.epoch, 10_000, 'redis of the new epoch');
    await eventually(() => watcher.errors.length > 0, 5_000, 'the old subscription to end');
    await watcher.close();
    const err = watcher.errors[0] as { message: string; data?: { code?: string } };
    expect(err.data?.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('the change log was replaced');
  });
});
