import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import type { App } from '../../src/bootstrap.js';
import { budget, READS, scenario, seed } from '../integration/budget/helpers.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';
import { PG_PORT, proxiedUrl } from './pg-fault.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MIN = 60_000;

const idOf = (app: App, name: string) =>
  [...app.deps.cache.view.entities()].find((e) => e.entityName === name)?.id as number;

describe('budgets while a dependency is away', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('keep answering while PostgreSQL is cut, and a pod started meanwhile loads them from Redis', async () => {
    const schema = uniqueSchema('budget_pg_cut');
    const proxy = await startTcpProxy(PG_PORT);
    cleanups.push(
      () => dropSchema(schema),
      () => proxy.close(),
    );
    const env = {
      schema,
      REDIS_URL,
      REDIS_KEY_PREFIX: uniquePrefix('budget_pg'),
      DATABASE_URL: proxiedUrl(proxy.port),
      DATABASE_SCHEMA: schema,
    };
    const { at, updates } = scenario();
    const a = await startPod({ ...env, POD_ID: 'budget-pg-a' });
    cleanups.push(() => a.close());
    await seed(a.url, updates);
    await eventually(() => a.deps.budgets.book.watermark === updates.length, 10_000, 'caught up');
    expect(await a.deps.budgets.writeCheckpoint()).toBe(true);
    const before = await Promise.all(READS(at).map((p) => budget(a.url, p)));

    proxy.pause();
    expect(await Promise.all(READS(at).map((p) => budget(a.url, p)))).toEqual(before);
    // PostgreSQL is really away: what needs it answers 503.
    expect((await post(a.url, '/api/cache/incremental-update', updates[0])).status).toBe(503);

    const b = await startPod({ ...env, POD_ID: 'budget-pg-b' });
    cleanups.push(() => b.close());
    await eventually(() => b.deps.budgets.loaded, 15_000, 'budgets loaded on the new pod');
    expect(b.deps.budgets.source).toBe('checkpoint');
    expect(await Promise.all(READS(at).map((p) => budget(b.url, p)))).toEqual(before);
    proxy.resume();
  });

  it('keep answering through a Redis outage, and a change made meanwhile counts', async () => {
    const schema = uniqueSchema('budget_redis_out');
    const redis = await startRedisServer();
    cleanups.push(
      () => dropSchema(schema),
      () => redis.close(),
    );
    const { at, updates, H } = scenario();
    const app = await startPod({ schema, REDIS_URL: redis.url, POD_ID: 'budget-redis' });
    cleanups.push(() => app.close());
    await seed(app.url, updates);
    const e1 = idOf(app, 'e1');
    await eventually(() => app.deps.budgets.book.watermark === updates.length, 10_000, 'caught up');
    const path = `/api/budgets/entity?id=${e1}&at=${at}`;
    expect(((await budget(app.url, path)).rolling as { breachMs: number }).breachMs).toBe(60 * MIN);

    await redis.stop();
    await eventually(() => app.deps.cache.mode === 'memory', 10_000, 'memory mode');
    for (const p of READS(at)) expect((await getJson(app.url, p)).status, p).toBe(200);
    // e1 fails at H + 170 min: 10 more minutes of breach before `at`.
    const late = { ...updates[0], currentSla: 80, status: 'Failed', observedAt: new Date(H + 170 * MIN).toISOString() };
    expect((await post(app.url, '/api/cache/incremental-update', late)).status).toBe(200);
    await eventually(
      async () => ((await budget(app.url, path)).rolling as { breachMs: number }).breachMs === 70 * MIN,
      5_000,
      'the new change counted',
    );
  });
});
