import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeTail, type LogSource, readTailFirst } from '../../../src/cache/change-tail.js';
import { tailKeys } from '../../../src/cache/redis/keys.js';
import type { LogChange } from '../../../src/domain/change.js';
import { dropSchema, eventually, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect, REDIS_URL } from './redis-helpers.js';

const EPOCH = 'abcdef012345';

const change = (id: number): LogChange => ({
  id,
  entityId: id % 17,
  tenantName: 'Acme',
  teamName: 'Data',
  entityType: 'table',
  entityName: `t${id % 17}`,
  previousSla: null,
  previousStatus: null,
  currentSla: 99,
  status: 'Passed',
  slaTarget: 98,
  statusSince: 1_000 + id,
  observedAt: 2_000 + id,
  receivedAt: 3_000 + id,
  applied: true,
  source: 'test',
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => change(from + i));
const ids = (cs: readonly LogChange[] | null | undefined) => cs?.map((c) => c.id) ?? null;

describe('the change tail in Redis', () => {
  let redis: Redis;
  const prefix = uniquePrefix('tail');
  const tail = (size = 10_000) => new ChangeTail(redis, prefix, () => EPOCH, size);

  beforeAll(async () => {
    redis = await connect(REDIS_URL, 'tail-test');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('appends in id order, idempotently, and answers each read path from its contiguous span', async () => {
    const t = tail();
    expect(await t.window()).toBeNull();
    expect(await t.readAfter(0, 10)).toBeNull();
    expect(await t.append(EPOCH, range(1, 5))).toEqual({ from: 1, last: 5 });
    // A repeat and an overlapping run add nothing twice.
    expect(await t.append(EPOCH, range(3, 5))).toEqual({ from: 1, last: 5 });
    expect(await t.append(EPOCH, range(4, 8))).toEqual({ from: 1, last: 8 });
    expect(await redis.xlen(tailKeys(prefix, EPOCH).stream)).toBe(8);
    expect(await t.lastId()).toBe(8);
    expect(await t.readAfter(0, 100)).toEqual(range(1, 8));
    expect(ids(await t.readAfter(5, 2))).toEqual([6, 7]);
    expect(await t.readAfter(8, 10)).toEqual([]);
    expect(ids((await t.latest(3))?.changes)).toEqual([8, 7, 6]);
    expect(ids((await t.before(4, 10))?.changes)).toEqual([3, 2, 1]);
    expect(ids((await t.before(1, 10))?.changes)).toEqual([]);
  });

  it('starts a new span after a hole, so nothing below it is answered from the tail', async () => {
    const t = tail();
    // Change 9 never reached the tail (its writer died): 10.. start a new span.
    expect(await t.append(EPOCH, range(10, 12))).toEqual({ from: 10, last: 12 });
    expect(await t.readAfter(5, 10)).toBeNull();
    expect(await t.readAfter(8, 10)).toBeNull();
    expect(ids(await t.readAfter(9, 10))).toEqual([10, 11, 12]);
    expect(ids((await t.latest(10))?.changes)).toEqual([12, 11, 10]);
    // A late, older run is skipped.
    expect(await t.append(EPOCH, [change(9)])).toEqual({ from: 10, last: 12 });
  });

  it('keeps about its size (MAXLEN ~), and the span starts at the oldest change kept', async () => {
    const t = tail(100);
    const w = await t.refill(EPOCH, range(1, 1_000));
    expect(w.last).toBe(1_000);
    const length = await redis.xlen(tailKeys(prefix, EPOCH).stream);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
    expect(w.from).toBe(1_000 - length + 1);
    expect(await t.readAfter(w.from - 2, 10)).toBeNull();
    expect(ids(await t.readAfter(w.from - 1, 2))).toEqual([w.from, w.from + 1]);
  });

  it('reads the tail first and PostgreSQL for what it does not hold, saying which', async () => {
    const t = tail();
    await t.refill(EPOCH, range(101, 200));
    const counted: LogSource[] = [];
    const read = (after: number, limit: number, target: number | 'tail' | null) =>
      readTailFirst({
        tail: t,
        after,
        limit,
        target,
        readLog: async () => range(after + 1, Math.min(after + limit, 205)),
        counted: (s) => counted.push(s),
      });
    expect(ids(await read(150, 3, 200))).toEqual([151, 152, 153]);
    expect(ids(await read(190, 100, 200))).toEqual(range(191, 200).map((c) => c.id));
    expect(ids(await read(190, 100, 'tail'))).toEqual(range(191, 200).map((c) => c.id));
    // Beyond the tail's head (a commit whose writer died): the log.
    expect(ids(await read(198, 100, 205))).toEqual([199, 200, 201, 202, 203, 204, 205]);
    // Below the tail's span: the log.
    expect(ids(await read(50, 2, 200))).toEqual([51, 52]);
    // No target (a poll): the log.
    expect(ids(await read(190, 2, null))).toEqual([191, 192]);
    expect(counted).toEqual(['redis_tail', 'redis_tail', 'redis_tail', 'postgres', 'postgres', 'postgres']);
  });
});

describe('a pod appends every committed run to the tail', () => {
  const schema = uniqueSchema('tailpod');
  const prefix = uniquePrefix('tailpod');
  let redis: Redis;
  let app: Awaited<ReturnType<typeof startPod>>;

  beforeAll(async () => {
    redis = await connect(REDIS_URL, 'tail-pod-test');
    app = await startPod({ schema, REDIS_URL, REDIS_KEY_PREFIX: prefix });
    await eventually(async () => (await getJson(app.url, '/api/cache/status')).json.mode === 'redis', 15_000);
  });
  afterAll(async () => {
    await app.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await dropSchema(schema);
  });

  it('holds each change under its id, as recent changes show it, and serves recent changes from it', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await post(app.url, '/api/cache/incremental-update', { ...UPDATE, entityName: `tail_${i}` });
      expect(r.status, r.text).toBe(200);
    }
    const epoch = app.deps.cache.identity.epoch as string;
    const t = new ChangeTail(redis, prefix, () => epoch, 10_000);
    expect(await t.window()).toEqual({ from: 1, last: 5 });
    const inTail = (await t.readAfter(0, 10)) ?? [];
    expect(inTail.map((c) => c.entityName)).toEqual([0, 1, 2, 3, 4].map((i) => `tail_${i}`));
    const recent = await getJson(app.url, '/api/cache/recent-changes?limit=5');
    expect((recent.json.changes as { id: number }[]).map((c) => c.id)).toEqual([5, 4, 3, 2, 1]);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/sla_pg_listen_connection_up 1/);
  });
});
