import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../src/alerts/deliveries.js';
import { PgLease } from '../../../src/alerts/lease.js';
import { OutboxSender } from '../../../src/alerts/sender.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { SendFn } from '../../../src/alerts/types.js';
import type { Db } from '../../../src/db/sql.js';
import { change, log, must, useAlertSchema } from './helpers.js';

describe('alert sender abort listeners', () => {
  let db: Db;
  useAlertSchema('alert_abort_listeners', (opened) => {
    db = opened;
  });

  it('many failed attempts under one lease leave the lease signal with a bounded number of abort listeners', async () => {
    let calls = 0;
    // Fails 25 times, then accepts; never touches the signal, so every listener seen is the sender's.
    const send: SendFn = async () => {
      calls += 1;
      const ok = calls > 25;
      return { ok, status: ok ? 200 : 503, error: ok ? null : 'HTTP 503', retryable: !ok, durationMs: 0 };
    };
    const lease = new PgLease(db, { name: 'alerting', holder: 'pod-1', ttlMs: 10_000, log });
    const sender = new OutboxSender(
      { db, lease, send, log },
      { groupIntervalMs: 1, pollMs: 20, retryBaseMs: 1, retryCapMs: 2 },
    );
    const fence = must(await lease.tryAcquire(), 'lease');
    await recordChanges(db, fence, [change('a1', 1)], { outboxMax: 100 });
    const lost = new AbortController();
    const working = sender.work(fence, lost.signal);
    try {
      await expect
        .poll(async () => (await listDeliveries(db.sql, { tenantNames: null, limit: 10 }))[0]?.deliveredAt, {
          timeout: 10_000,
        })
        .toBeTruthy();
      expect(calls).toBe(26);
      // Whatever the sender waits on now (its nap) holds one or two listeners, not one per attempt.
      expect(getEventListeners(lost.signal, 'abort').length).toBeLessThanOrEqual(2);
    } finally {
      lost.abort();
      await working;
      await lease.release();
    }
  });
});
