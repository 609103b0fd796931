import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStallProxy } from '../../../test/support/stall-proxy.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import type { App } from '../../src/bootstrap.js';
import {
  dropSchema,
  eventually,
  getJson,
  PG_URL,
  type PodProcess,
  post,
  spawnPod,
  startPod,
  UPDATE,
  uniqueSchema,
} from '../support/app.js';
import { adminQuery } from '../support/database.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedEntities } from '../support/seed.js';
import { PG_PORT, proxiedUrl } from './pg-fault.js';

const ENTITIES = 10_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Outage = { port: number; down: () => void; up: () => void; close: () => Promise<void> };
const refusing = async (): Promise<Outage> => {
  const p = await startTcpProxy(PG_PORT);
  return { port: p.port, down: p.pause, up: p.resume, close: p.close };
};
const outages: { name: string; start: () => Promise<Outage> }[] = [
  { name: 'refused', start: refusing },
  {
    name: 'black-holed',
    start: async () => {
      const p = await startStallProxy(PG_PORT);
      return { port: p.port, down: p.stall, up: p.heal, close: p.close };
    },
  },
];

/** What the dashboard reads, as a healthy pod answers it. */
const DASHBOARD_READS = [
  '/trpc/entities.list?input={"limit":50}',
  '/trpc/entities.list?input={"limit":20,"tenantName":"Bulk","status":"Failed"}',
  '/trpc/entities.facets',
  '/trpc/entities.summary?input={"worst":5}',
];

/** A read's answer with what legitimately differs between two pods (times computed at the request) left out. */
async function read(url: string, path: string): Promise<unknown> {
  const { status, json } = await getJson(url, path);
  expect(status, path).toBe(200);
  return JSON.parse(JSON.stringify(json, (k, v) => (k === 'generatedAt' || k === 'asOf' ? undefined : v)));
}

describe.each(outages)('a pod started while PostgreSQL is $name, with Redis holding the cache', ({ name, start }) => {
  const schema = uniqueSchema('pg_absent');
  const prefix = uniquePrefix('pgabsent');
  let healthy: App;
  let proxy: Outage;
  let pod: PodProcess;
  let readyMs = 0;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, ENTITIES);
    healthy = await startPod({ schema, REDIS_URL, REDIS_KEY_PREFIX: prefix, POD_ID: 'healthy' });
    await eventually(
      async () => (await healthy.deps.cache.status()).mode === 'redis',
      20_000,
      'healthy pod in redis mode',
    );
    proxy = await start();
    proxy.down();
    pod = await spawnPod(
      {
        DATABASE_URL: proxiedUrl(proxy.port),
        DATABASE_SCHEMA: schema,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        POD_ID: 'no-pg',
      },
      30_000,
    );
    // From the pod's first log line, not from the spawn: loading the sources through tsx on a
    // machine busy with other tests can take most of 10 s by itself (the bundle loads in < 1 s).
    const firstLine = JSON.parse(pod.stdout().split('\n')[0] ?? '{}') as { time?: number };
    readyMs = Date.now() - (firstLine.time ?? 0);
  }, 120_000);

  afterAll(async () => {
    pod?.kill('SIGKILL');
    await healthy?.close();
    await proxy?.close();
    await dropSchema(schema, PG_URL);
  });

  it('is ready within 10 s, answers the dashboard like a healthy pod, and refuses ingest with 503', async () => {
    expect(readyMs).toBeLessThan(10_000);
    for (const path of DASHBOARD_READS) expect(await read(pod.url, path), path).toEqual(await read(healthy.url, path));
    const status = await getJson(pod.url, '/api/cache/status');
    expect(status.json).toMatchObject({ entityCount: ENTITIES, mode: 'redis' });
    const ingest = await post(pod.url, '/api/cache/incremental-update', UPDATE);
    expect(ingest.status).toBe(503);
    expect(ingest.headers.get('retry-after')).toMatch(/^\d+$/);
    const health = await getJson(pod.url, '/api/health');
    expect(health.json).toMatchObject({ ready: true, checks: { database: { status: 'down' } } });
  });

  it('logs one clear line naming the host, no stack trace, and does not exit', async () => {
    expect(pod.child.exitCode).toBeNull();
    const lines = pod.stdout().trim().split('\n');
    const unreachable = lines.filter((l) => l.includes('not reachable'));
    expect(unreachable.length).toBeGreaterThanOrEqual(1);
    expect(unreachable[0]).toContain(`127.0.0.1:${proxy.port}`);
    expect(pod.output()).not.toMatch(/\n\s+at /);
    expect(lines.every((l) => l.startsWith('{'))).toBe(true);
  });

  it('takes ingest again within 10 s of PostgreSQL coming back, without a restart', async () => {
    proxy.up();
    const since = Date.now();
    await eventually(
      async () => (await post(pod.url, '/api/cache/incremental-update', UPDATE)).status === 200,
      10_000,
      'ingest 2xx after PostgreSQL returned',
    );
    expect(Date.now() - since).toBeLessThan(10_000);
    expect(pod.child.exitCode).toBeNull();
    await eventually(
      async () => (await getJson(pod.url, '/api/cache/status')).json.database === 'ok',
      5_000,
      'status database ok',
    );
  });

  it('says PostgreSQL is unavailable within seconds when it goes while the pod is idle in redis mode', async () => {
    // An idle pod in redis mode sends PostgreSQL no queries; its LISTEN connection dropping is the sign.
    proxy.down();
    await eventually(
      async () => (await getJson(pod.url, '/api/cache/status')).json.database === 'unavailable',
      name === 'refused' ? 3_000 : 40_000,
      'status database unavailable',
    );
    proxy.up();
    await eventually(
      async () => (await post(pod.url, '/api/cache/incremental-update', UPDATE)).status === 200,
      15_000,
      'ingest 2xx again',
    );
  });
});

describe('a pod started with neither PostgreSQL nor Redis reachable', () => {
  const schema = uniqueSchema('pg_absent_both');
  let proxy: Outage;
  let pod: PodProcess;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, 100);
    proxy = await refusing();
    proxy.down();
    const { freePort } = await import('../../../test/support/redis-server.js');
    pod = await spawnPod(
      {
        DATABASE_URL: proxiedUrl(proxy.port),
        DATABASE_SCHEMA: schema,
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        REDIS_KEY_PREFIX: uniquePrefix('pgabsentboth'),
        POD_ID: 'nothing',
      },
      // Started through tsx, which compiles the server first: seconds on a loaded machine.
      30_000,
      { until: 'live' },
    );
  }, 60_000);

  afterAll(async () => {
    pod?.kill('SIGKILL');
    await proxy?.close();
    await dropSchema(schema, PG_URL);
  });

  it('stays alive and not ready, says why, and becomes ready once PostgreSQL comes', async () => {
    await eventually(
      () => pod.stdout().includes('neither PostgreSQL nor a current Redis cache'),
      15_000,
      'the log says why',
    );
    const ready = await fetch(`${pod.url}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: expect.stringContaining('waiting for PostgreSQL or Redis') });
    expect((await fetch(`${pod.url}/api/health/live`)).status).toBe(200);
    // Its empty view is not an answer: reads say "not yet" rather than "no entities".
    const list = await fetch(`${pod.url}/trpc/entities.list?input=${encodeURIComponent('{"limit":5}')}`);
    expect(list.status).toBe(503);
    expect(list.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(pod.child.exitCode).toBeNull();
    proxy.up();
    await eventually(
      async () => (await fetch(`${pod.url}/api/health/ready`)).status === 200,
      20_000,
      'ready from PostgreSQL',
    );
    expect((await getJson(pod.url, '/api/cache/status')).json).toMatchObject({ entityCount: 100, mode: 'memory' });
    expect(pod.output()).not.toMatch(/\n\s+at /);
  });
});

describe('a pod whose DATABASE_URL PostgreSQL refuses (a database that does not exist), with Redis holding a cache', () => {
  const schema = uniqueSchema('pg_misconfig');
  const prefix = uniquePrefix('pgmisconfig');
  let healthy: App;
  let pod: PodProcess;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, 100);
    healthy = await startPod({ schema, REDIS_URL, REDIS_KEY_PREFIX: prefix, POD_ID: 'healthy-misconfig' });
    await eventually(async () => (await healthy.deps.cache.status()).mode === 'redis', 20_000, 'redis mode');
    const wrong = new URL(PG_URL);
    wrong.pathname = '/no_such_database_here';
    pod = await spawnPod(
      {
        DATABASE_URL: wrong.toString(),
        DATABASE_SCHEMA: schema,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        POD_ID: 'misconfigured',
      },
      30_000,
      { until: 'live' },
    );
  }, 60_000);

  afterAll(async () => {
    pod?.kill('SIGKILL');
    await healthy?.close();
    await dropSchema(schema, PG_URL);
  });

  it('stays alive but never ready on Redis alone, and says the configuration is refused (no stack trace)', async () => {
    await eventually(() => pod.stdout().includes("refuses this pod's configuration"), 15_000, 'the log says why');
    // Longer than a pod with an unreachable PostgreSQL takes to become ready from this Redis.
    await new Promise((r) => setTimeout(r, 4_000));
    const ready = await fetch(`${pod.url}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: expect.stringMatching(/check DATABASE_URL.*3D000/) });
    expect((await fetch(`${pod.url}/api/health/live`)).status).toBe(200);
    const line = pod
      .stdout()
      .split('\n')
      .find((l) => l.includes("refuses this pod's configuration"));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 50, error: expect.stringContaining('does not exist') });
    expect(pod.output()).not.toMatch(/\n\s+at /);
    expect(pod.child.exitCode).toBeNull();
    // Not created behind the operator's back: a typo must not become an empty database.
    const found = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', ['no_such_database_here']);
    expect(found.rowCount).toBe(0);
  });
});
