import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import type { AppRouter } from '../../../src/app-router.js';
import type { App } from '../../../src/bootstrap.js';
import { createMetrics } from '../../../src/platform/metrics.js';
import { dropSchema, eventually, PG_URL, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { type Exposition, parseExposition, scrape } from './prom-text.js';

const ONE = '/api/cache/incremental-update';

/** Value of one series, 0 when the pod has not exported it yet (a labelled counter starts absent). */
const v = (e: Exposition, name: string, labels: Record<string, string> = {}) => e.value(name, labels) ?? 0;

describe('the exposition parser', () => {
  it('reads labels with escapes, histogram suffixes and special values, and rejects junk', () => {
    const e = parseExposition(
      [
        '# HELP x_total a counter',
        '# TYPE x_total counter',
        'x_total{a="q\\"uote",b="back\\\\slash,{}"} 3',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 2 1700000000000',
        'h_count 2',
        'h_sum Nan',
      ].join('\n'),
    );
    expect(e.value('x_total', { a: 'q"uote', b: 'back\\slash,{}' })).toBe(3);
    expect(e.value('h_bucket', { le: '+Inf' })).toBe(2);
    expect(e.value('h_count')).toBe(2);
    expect(e.value('missing')).toBeUndefined();
    expect(() => parseExposition('undeclared 1')).toThrow(/no # TYPE/);
    expect(() => parseExposition('# TYPE y gauge\ny{a="1} 2')).toThrow();
  });
});

describe('GET /metrics on two pods sharing Redis and PostgreSQL', () => {
  const schema = uniqueSchema('metrics');
  const prefix = uniquePrefix('metrics');
  let redis: TestRedisServer;
  let a: App;
  let b: App;
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    a = await startPod({ ...env, POD_ID: 'metrics-a' });
    b = await startPod({ ...env, POD_ID: 'metrics-b' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  it('exposes every metric metrics.ts defines, with its type', async () => {
    // A fresh registry from the same factory is the list of what the pod must serve.
    const defined = await createMetrics().registry.getMetricsAsJSON();
    const served = await scrape(a.url);
    expect(defined.length).toBeGreaterThan(11);
    for (const m of defined) expect(served.types.get(m.name), m.name).toBe(m.type);
  });

  it('counts ingest outcomes: applied, duplicate, stale', async () => {
    const update = { ...UPDATE, entityName: 'metrics_outcomes', observedAt: '2026-01-02T00:00:00Z' };
    const before = await scrape(a.url);
    const outcomes = [];
    for (const body of [update, update, { ...update, currentSla: 50, observedAt: '2026-01-01T00:00:00Z' }])
      outcomes.push((await post(a.url, ONE, body)).json.outcome);
    expect(outcomes).toEqual(['applied', 'duplicate', 'stale']);
    const after = await scrape(a.url);
    for (const outcome of ['applied', 'duplicate', 'stale'])
      expect(
        v(after, 'sla_ingest_updates_total', { outcome }) - v(before, 'sla_ingest_updates_total', { outcome }),
        outcome,
      ).toBe(1);
  });

  it('counts a retry answered from its Idempotency-Key as replayed, not applied', async () => {
    const update = { ...UPDATE, entityName: 'metrics_replayed' };
    const key = { 'idempotency-key': 'metrics-replayed-1' };
    expect((await post(a.url, ONE, update, key)).status).toBe(200);
    const before = await scrape(a.url);
    expect((await post(a.url, ONE, update, key)).headers.get('idempotent-replayed')).toBe('true');
    const after = await scrape(a.url);
    const delta = (outcome: string) =>
      v(after, 'sla_ingest_updates_total', { outcome }) - v(before, 'sla_ingest_updates_total', { outcome });
    expect([delta('replayed'), delta('applied')]).toEqual([1, 0]);
  });

  it('has a latency series for the single-update route', async () => {
    expect((await post(a.url, ONE, { ...UPDATE, entityName: 'metrics_route' })).status).toBe(200);
    const e = await scrape(a.url);
    const labels = { method: 'POST', route: ONE, status: '200' };
    expect(v(e, 'sla_http_request_duration_seconds_count', labels)).toBeGreaterThanOrEqual(1);
    expect(e.value('sla_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(
      e.value('sla_http_request_duration_seconds_count', labels),
    );
  });

  it('times a manual refresh, counts the lock it took and records when it succeeded', async () => {
    const before = await scrape(a.url);
    await new Promise((r) => setTimeout(r, 20)); // the success timestamp must be able to move
    const r = await post(a.url, '/api/cache/refresh', {});
    expect(r.json.started).toBe(true);
    const after = await scrape(a.url);
    const count = 'sla_cache_refresh_duration_seconds_count';
    expect(v(after, count, { result: 'success' }) - v(before, count, { result: 'success' })).toBe(1);
    expect(
      v(after, 'sla_cache_lock_total', { outcome: 'acquired' }) -
        v(before, 'sla_cache_lock_total', { outcome: 'acquired' }),
    ).toBe(1);
    const last = v(after, 'sla_cache_refresh_last_success_timestamp_seconds');
    expect(last).toBeGreaterThan(v(before, 'sla_cache_refresh_last_success_timestamp_seconds'));
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(10);
  });

  it('counts a refresh denied on one pod while another holds the lock', async () => {
    // Holding sla_entity exclusively parks pod A's refresh after it took the Redis lock, so
    // pod B's attempt is concurrent by construction rather than by timing luck.
    const blocker = new pg.Client({ connectionString: PG_URL });
    await blocker.connect();
    let first: ReturnType<typeof post> | undefined;
    try {
      const beforeA = await scrape(a.url);
      const beforeB = await scrape(b.url);
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".sla_entity IN ACCESS EXCLUSIVE MODE`);
      first = post(a.url, '/api/cache/refresh', {});
      const acquired = (e: Exposition) => v(e, 'sla_cache_lock_total', { outcome: 'acquired' });
      await eventually(async () => acquired(await scrape(a.url)) > acquired(beforeA), 10_000, 'pod A holding the lock');
      const second = await post(b.url, '/api/cache/refresh', {});
      expect(second.json).toMatchObject({ started: false, heldBy: 'metrics-a' });
      const afterB = await scrape(b.url);
      expect(
        v(afterB, 'sla_cache_lock_total', { outcome: 'denied' }) -
          v(beforeB, 'sla_cache_lock_total', { outcome: 'denied' }),
      ).toBe(1);
    } finally {
      await blocker.query('COMMIT').catch(() => undefined);
      await blocker.end();
    }
    expect((await first)?.json.started).toBe(true);
  });

  it('reads Redis memory and client count from INFO while Redis is up', async () => {
    const e = await scrape(a.url);
    expect(v(e, 'sla_redis_used_memory_bytes')).toBeGreaterThan(0);
    // Two pods, each with a command and a subscriber connection.
    expect(v(e, 'sla_redis_connected_clients')).toBeGreaterThanOrEqual(4);
  });

  it('counts open WebSocket subscriptions and drops the count when one ends', async () => {
    const subscribers = async () => v(await scrape(a.url), 'sla_websocket_subscribers');
    const base = await subscribers();
    const ws = createWSClient({
      url: `${a.url.replace(/^http/, 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
      const sub = client.cache.onChange.subscribe({}, { onData: () => undefined });
      await eventually(async () => (await subscribers()) === base + 1, 10_000, 'subscriber counted');
      sub.unsubscribe();
      await eventually(async () => (await subscribers()) === base, 10_000, 'subscriber released');
    } finally {
      await ws.close();
    }
  });

  it('observes propagation lag on the pod that did not take the update', async () => {
    const lag = async () => v(await scrape(b.url), 'sla_change_propagation_lag_seconds_count');
    const before = await lag();
    expect((await post(a.url, ONE, { ...UPDATE, entityName: 'metrics_lag' })).status).toBe(200);
    await eventually(async () => (await lag()) > before, 10_000, 'lag observed on pod B');
    expect(b.deps.cache.view.size).toBe(a.deps.cache.view.size);
  });
});

describe('GET /metrics with a tight rate limit', () => {
  const schema = uniqueSchema('metrics_rl');
  let pod: App;
  beforeAll(async () => {
    pod = await startPod({ schema, INGEST_RATE_LIMIT: '2' });
  });
  afterAll(async () => {
    await pod?.close();
    await dropSchema(schema);
  });

  it('counts every 429 as rejected, and only the accepted ones as applied', async () => {
    const before = await scrape(pod.url);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(pod.url, ONE, { ...UPDATE, entityName: `metrics_rl_${i}` }).then((r) => r.status),
      ),
    );
    const after = await scrape(pod.url);
    const n = (s: number) => statuses.filter((x) => x === s).length;
    expect(n(429)).toBeGreaterThanOrEqual(1);
    expect(n(200) + n(429)).toBe(10);
    const delta = (outcome: string) =>
      v(after, 'sla_ingest_updates_total', { outcome }) - v(before, 'sla_ingest_updates_total', { outcome });
    expect(delta('rejected')).toBe(n(429));
    expect(delta('applied')).toBe(n(200));
  });
});

describe('GET /metrics through a Redis outage', () => {
  const schema = uniqueSchema('metrics_outage');
  let redis: TestRedisServer;
  let pod: App;
  beforeAll(async () => {
    redis = await startRedisServer();
    pod = await startPod({ schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('metrics_outage') });
  });
  afterAll(async () => {
    await pod?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  const state = async () => {
    const e = await scrape(pod.url);
    return {
      redis: e.value('sla_cache_mode', { mode: 'redis' }),
      memory: e.value('sla_cache_mode', { mode: 'memory' }),
      command: e.value('sla_redis_connection_up', { connection: 'command' }),
      subscriber: e.value('sla_redis_connection_up', { connection: 'subscriber' }),
    };
  };
  const UP = { redis: 1, memory: 0, command: 1, subscriber: 1 };
  const DOWN = { redis: 0, memory: 1, command: 0, subscriber: 0 };

  it('shows memory mode and a down connection while Redis is away, and redis mode once it is back', async () => {
    expect(await state()).toEqual(UP);
    await redis.stop();
    await eventually(
      async () => JSON.stringify(await state()) === JSON.stringify(DOWN),
      10_000,
      'memory mode in /metrics',
    );
    await redis.start();
    await eventually(
      async () => JSON.stringify(await state()) === JSON.stringify(UP),
      15_000,
      'redis mode in /metrics',
    );
  });
});
