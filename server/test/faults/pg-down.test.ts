import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStallProxy } from '../../../test/support/stall-proxy.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import type { App } from '../../src/bootstrap.js';
import { httpClient, subscribeChanges } from '../integration/ingest/helpers.js';
import { dropSchema, eventually, getJson, PG_URL, startPod, uniqueSchema } from '../support/app.js';
import { migratedSchema, seedEntities } from '../support/seed.js';
import {
  ask,
  checkNothingHalfWritten,
  PG_PORT,
  postgresBackedRequests,
  proxiedUrl,
  type Sent,
  send,
} from './pg-fault.js';

type Fault = {
  name: string;
  start: () => Promise<{ port: number; down: () => void; up: () => void; close: () => Promise<void> }>;
};

const faults: Fault[] = [
  {
    name: 'refuses connections (proxy paused)',
    start: async () => {
      const p = await startTcpProxy(PG_PORT);
      return { port: p.port, down: p.pause, up: p.resume, close: p.close };
    },
  },
  {
    name: 'is black-holed (no answer, nothing closed)',
    start: async () => {
      const p = await startStallProxy(PG_PORT);
      return { port: p.port, down: p.stall, up: p.heal, close: p.close };
    },
  },
];

describe.each(faults)('ingest while PostgreSQL $name', ({ name, start }) => {
  const schema = uniqueSchema('ingest_pg_down');
  let proxy: Awaited<ReturnType<Fault['start']>>;
  let app: App;
  const accepted: Sent[] = [];

  beforeAll(async () => {
    proxy = await start();
    app = await startPod({
      schema,
      DATABASE_URL: proxiedUrl(proxy.port),
      DATABASE_SCHEMA: schema,
      POD_ID: `pg-down-${name.length}`,
    });
    for (let i = 0; i < 5; i++) accepted.push(await send(app.url, `before_${i}`));
    expect(accepted.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await dropSchema(schema, PG_URL);
  });

  it('answers 503 with Retry-After within 5 s, keeps serving reads, and recovers when PostgreSQL returns', async () => {
    // Writers in flight while the link goes down: each gets a 2xx (committed) or a 503, never a 500 or a hang.
    let stop = false;
    const inFlight = Promise.all(
      Array.from({ length: 3 }, async (_, w) => {
        const out: Sent[] = [];
        for (let i = 0; !stop; i++) out.push(await send(app.url, `flight_${w}_${i}`));
        return out;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    proxy.down();
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    const flight = (await inFlight).flat();
    expect(flight.some((s) => s.status === 200)).toBe(true);
    for (const s of flight) {
      expect([200, 503], JSON.stringify(s)).toContain(s.status);
      expect(s.ms).toBeLessThan(5_000);
    }
    accepted.push(...flight.filter((s) => s.status === 200));

    const down = await Promise.all([0, 1, 2].map((i) => send(app.url, `down_${i}`)));
    for (const s of down) {
      expect(s.status, JSON.stringify(s)).toBe(503);
      expect(s.ms).toBeLessThan(5_000);
      expect(Number(s.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(s.message).toMatch(/PostgreSQL is unavailable; nothing was written/);
    }

    const readsStarted = Date.now();
    const status = await getJson(app.url, '/api/cache/status');
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ isInitialized: true });
    const list = await httpClient(app.url).entities.list.query({ limit: 500 });
    expect(list.items.map((e) => e.entityName)).toEqual(expect.arrayContaining(accepted.map((s) => s.name)));
    expect(Date.now() - readsStarted).toBeLessThan(1_000);
    const health = await getJson(app.url, '/api/health');
    expect(health.json).toMatchObject({ checks: { database: { status: 'down' } } });

    proxy.up();
    const upAt = Date.now();
    let after: Sent;
    do after = await send(app.url, 'after_up');
    while (after.status !== 200 && Date.now() - upAt < 5_000);
    expect(after.status, JSON.stringify(after)).toBe(200);
    accepted.push(after);

    const logged = await checkNothingHalfWritten(schema);
    for (const s of accepted) expect(logged.get(s.changeId as number), s.name).toBe(s.name);
    expect([...logged.values()].filter((n) => n.startsWith('down_'))).toEqual([]);
  });
});

/** More changes than a pod keeps in its replay ring at start, so the oldest are only in PostgreSQL. */
const SEEDED = 10_050;
const BELOW_RING = 20;

describe.each(faults)('reads that need PostgreSQL while PostgreSQL $name', ({ name, start }) => {
  const schema = uniqueSchema('reads_pg_down');
  let proxy: Awaited<ReturnType<Fault['start']>>;
  let app: App;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, SEEDED);
    proxy = await start();
    app = await startPod({
      schema,
      DATABASE_URL: proxiedUrl(proxy.port),
      DATABASE_SCHEMA: schema,
      POD_ID: `reads-pg-down-${name.length}`,
    });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await dropSchema(schema, PG_URL);
  });

  it('answers 503 with Retry-After (never a 500) within 5 s, and 200 again once PostgreSQL is back', async () => {
    const requests = postgresBackedRequests(BELOW_RING, 1);
    const healthy = await Promise.all(requests.map((r) => ask(app.url, r.route, r.init)));
    expect(healthy.map((a) => [a.route, a.status])).toEqual(requests.map((r) => [r.route, 200]));

    proxy.down();
    // Hot reads keep an answer for the rest of its second while nothing changed (still the
    // truth); past that, a read below the ring must reach PostgreSQL again.
    await new Promise((r) => setTimeout(r, 1_100));
    const down = await Promise.all(requests.map((r) => ask(app.url, r.route, r.init)));
    for (const a of down) {
      expect(a.status, JSON.stringify(a)).toBe(503);
      expect(Number(a.retryAfter), JSON.stringify(a)).toBeGreaterThanOrEqual(1);
      expect(a.message, JSON.stringify(a)).toMatch(/PostgreSQL is unavailable/);
      expect(a.ms, JSON.stringify(a)).toBeLessThan(5_000);
    }
    // A subscriber resuming from a change below the ring needs the log too: it is told the same.
    const resumed = await subscribeChanges(app.url, { lastEventId: String(BELOW_RING) });
    await eventually(() => resumed.errors.length > 0, 10_000, 'the resuming subscriber to get an error');
    expect((resumed.errors[0] as { data?: { code?: string } }).data?.code).toBe('SERVICE_UNAVAILABLE');
    await resumed.close();

    proxy.up();
    const upAt = Date.now();
    let again: typeof healthy = [];
    do again = await Promise.all(requests.map((r) => ask(app.url, r.route, r.init)));
    while (again.some((a) => a.status !== 200) && Date.now() - upAt < 10_000);
    expect(again.map((a) => [a.route, a.status])).toEqual(requests.map((r) => [r.route, 200]));
  });
});
