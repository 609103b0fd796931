import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { type LeaseFence, PgLease } from '../../../src/alerts/lease.js';
import type { Db } from '../../../src/db/sql.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';
import { log, must, openDb, sleep } from './helpers.js';

describe('PostgreSQL lease', () => {
  const schema = uniqueSchema('alert_lease');
  let direct: { db: Db; close: () => Promise<void> };
  let proxied: { db: Db; close: () => Promise<void> };
  let proxy: TcpProxy;
  beforeAll(async () => {
    direct = await openDb(schema);
    proxy = await startTcpProxy(Number(new URL(PG_URL).port || 5432));
    const url = new URL(PG_URL);
    url.port = String(proxy.port);
    proxied = await openDb(schema, url.toString());
  });
  afterAll(async () => {
    await proxied.close();
    await proxy.close();
    await direct.close();
    await dropSchema(schema);
  });

  it('is lost when PostgreSQL cannot be reached, and another pod takes it over with a larger token', async () => {
    const ttlMs = 1_500;
    const a = new PgLease(proxied.db, { name: 'alert-sender', holder: 'pod-a', ttlMs, log });
    const stop = new AbortController();
    const grants: { fence: LeaseFence; lostAfterMs: number | null }[] = [];
    const holding = a.hold(stop.signal, async (fence, lost) => {
      const grant = { fence, lostAfterMs: null as number | null };
      grants.push(grant);
      const started = Date.now();
      await new Promise<void>((resolve) => lost.addEventListener('abort', () => resolve(), { once: true }));
      grant.lostAfterMs = Date.now() - started;
    });
    try {
      await expect.poll(() => grants.length).toBe(1);
      await sleep(ttlMs * 1.5); // renewed meanwhile: still held
      expect(a.fence?.token).toBe(grants[0]?.fence.token);

      const cutAt = Date.now();
      proxy.pause(); // pod A's PostgreSQL is gone
      await expect.poll(() => grants[0]?.lostAfterMs, { timeout: ttlMs * 2 }).not.toBeNull();
      expect(Date.now() - cutAt).toBeLessThanOrEqual(ttlMs + 500);
      expect(a.fence).toBeNull();

      const b = new PgLease(direct.db, { name: 'alert-sender', holder: 'pod-b', ttlMs: 10_000 });
      await expect.poll(() => b.tryAcquire(), { timeout: ttlMs * 2, interval: 100 }).not.toBeNull();
      expect(must(b.fence).token).toBeGreaterThan(must(grants[0]).fence.token);

      proxy.resume(); // A is back but B holds the lease: A waits
      await sleep(ttlMs);
      expect(grants).toHaveLength(1);
      expect(a.fence).toBeNull();
    } finally {
      stop.abort();
      await holding;
    }
  }, 30_000);
});
