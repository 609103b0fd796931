import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/bootstrap.js';
import { CHANGE_ORDER_LOCK } from '../../src/ingest/repository.js';
import { dropSchema, PG_URL, spawnPod, startPod, uniqueSchema } from '../support/app.js';
import { migratedSchema, seedEntities } from '../support/seed.js';
import { type Answer, ask, checkNothingHalfWritten, postgresBackedRequests, send } from './pg-fault.js';

/** More changes than a pod keeps in its replay ring at start, so the oldest are only in PostgreSQL. */
const SEEDED = 10_050;
const BELOW_RING = 20;

/** Another session holding a lock, the way a long transaction elsewhere would; released by `release()`. */
async function holdLock(sql: string, params: unknown[] = []): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, params);
  return {
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL that is healthy but slow to answer — a lock held elsewhere, every pooled
 * connection lent out — is not an outage: a lock wait is waited out, and a full pool is a
 * short "busy" 503 with Retry-After, never a 500 and never "unavailable".
 */
describe('PostgreSQL busy, not down', () => {
  const schema = uniqueSchema('pg_busy');
  let pod: App;
  let narrow: App;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, SEEDED);
    pod = await startPod({ schema, DATABASE_SCHEMA: schema, POD_ID: 'pg-busy' });
    narrow = await startPod({ schema, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '1', POD_ID: 'pg-busy-pool-1' });
  });
  afterAll(async () => {
    await pod?.close();
    await narrow?.close();
    await dropSchema(schema);
  });

  it('waits out a change-order lock held by another transaction for 4 s, then answers 200', async () => {
    const lock = await holdLock('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [CHANGE_ORDER_LOCK, schema]);
    const waiting = send(pod.url, 'waited_for_lock');
    await sleep(4_000);
    await lock.release();
    const s = await waiting;
    expect(s.status, JSON.stringify(s)).toBe(200);
    expect(s.ms).toBeGreaterThanOrEqual(3_500);
    expect((await checkNothingHalfWritten(schema)).get(s.changeId as number)).toBe('waited_for_lock');
  });

  it('waits out a table lock on every read that needs PostgreSQL, then answers 200', async () => {
    const lock = await holdLock(`LOCK TABLE "${schema}".sla_change IN ACCESS EXCLUSIVE MODE`);
    const requests = postgresBackedRequests(BELOW_RING, 1);
    const answers = Promise.all(requests.map((r) => ask(pod.url, r.route, r.init)));
    await sleep(4_000);
    await lock.release();
    for (const a of await answers) {
      expect(a.status, JSON.stringify(a)).toBe(200);
      expect(a.ms).toBeGreaterThanOrEqual(3_500);
    }
  });

  it('with every pooled connection busy, answers 503 "busy" with Retry-After, and writes nothing', async () => {
    // The pod's only connection waits on a table lock; everything else waits for that connection.
    const lock = await holdLock(`LOCK TABLE "${schema}".sla_change IN ACCESS EXCLUSIVE MODE`);
    const [first, ...rest] = postgresBackedRequests(BELOW_RING, 2);
    const holder = ask(narrow.url, first?.route ?? '', first?.init ?? { path: '/' });
    await sleep(200);
    const answers = Promise.all(rest.map((r) => ask(narrow.url, r.route, r.init)));
    const ingest = send(narrow.url, 'while_pool_busy');
    const busy = [...(await answers), await ingest];
    await lock.release();
    expect((await holder).status).toBe(200);
    for (const a of busy) {
      const shown = JSON.stringify(a);
      expect(a.status, shown).toBe(503);
      expect(Number('retryAfter' in a ? a.retryAfter : null), shown).toBeGreaterThanOrEqual(1);
      expect(String(a.message), shown).toMatch(/PostgreSQL is busy/);
      expect(a.ms, shown).toBeLessThan(5_000);
    }
    expect(String((await ingest).message)).toMatch(/nothing was written/);
    expect([...(await checkNothingHalfWritten(schema)).values()]).not.toContain('while_pool_busy');
  });

  it('answers a burst of 700 reads and a write on one connection with 200 or a "busy" 503, never a 500', async () => {
    // A tenant with no changes misses the ring and scans the log: each read holds the connection a few ms.
    const requests = [
      ...postgresBackedRequests(BELOW_RING, 3).filter((r) => !r.route.includes('refresh')),
      { route: 'recent changes of an unknown tenant', init: { path: '/api/cache/recent-changes?tenantName=Nobody' } },
    ];
    // A pod of its own process, so the burst arrives as fast as the network brings it, not as this process sends it.
    const other = await spawnPod({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '1' });
    const burst: Promise<Answer>[] = [];
    for (let i = 0; i < 700; i++) {
      const r = requests[i % requests.length] as (typeof requests)[number];
      burst.push(ask(other.url, r.route, r.init));
    }
    const write = send(other.url, 'during_burst');
    const answers = await Promise.all(burst);
    const w = await write;
    other.kill('SIGTERM');
    await other.exited;
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    expect(
      [...byStatus.keys()].filter((s) => s !== 200 && s !== 503),
      JSON.stringify([...byStatus]),
    ).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.message).toMatch(/PostgreSQL is busy/);
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect([200, 503], JSON.stringify(w)).toContain(w.status);
    if (w.status === 503) expect(String(w.message)).toMatch(/PostgreSQL is busy/);
    console.log('700 reads on one connection:', Object.fromEntries(byStatus), 'write:', w.status, `${w.ms} ms`);
  });
});
