import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLease } from '../../../src/alerts/lease.js';
import type { Db } from '../../../src/db/sql.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import { log, openDb } from './helpers.js';

describe('stopping a lease holder while its grant is being asked for', () => {
  const schema = uniqueSchema('alert_engine_lease');
  let direct: { db: Db; close: () => Promise<void> };
  beforeAll(async () => {
    direct = await openDb(schema);
  });
  afterAll(async () => {
    await direct.close();
    await dropSchema(schema);
  });

  it('ends promptly and releases the grant (a pod closed just after start does not hang)', async () => {
    const lease = new PgLease(direct.db, { name: 'alert-evaluation', holder: 'pod-a', ttlMs: 30_000, log });
    const stop = new AbortController();
    let worked = 0;
    const holding = lease.hold(stop.signal, async (_fence, lost) => {
      worked += 1;
      await new Promise<void>((resolve) => lost.addEventListener('abort', () => resolve(), { once: true }));
    });
    // Aborted while tryAcquire's query is in flight: the grant arrives after the stop.
    stop.abort();
    const started = Date.now();
    await holding;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(worked).toBeLessThanOrEqual(1);
    // Released: another holder gets it at once rather than after the 30 s ttl.
    const other = new PgLease(direct.db, { name: 'alert-evaluation', holder: 'pod-b', ttlMs: 30_000, log });
    expect(await other.tryAcquire()).not.toBeNull();
  }, 20_000);
});
