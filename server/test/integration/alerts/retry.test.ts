import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../src/alerts/deliveries.js';
import { PgLease } from '../../../src/alerts/lease.js';
import { createAlertMetrics } from '../../../src/alerts/metrics.js';
import { OutboxSender } from '../../../src/alerts/sender.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import { httpSend, startReceiver } from '../../support/alert-receiver.js';
import { change, log, useAlertSchema } from './helpers.js';

describe('alert sender retries', () => {
  let db: Db;
  useAlertSchema('alert_retry', (opened) => {
    db = opened;
  });

  it('retries a receiver answering 500, then timing out, then 200 with backoff: one delivery id, three attempts logged', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : n === 2 ? 'hang' : 200));
    const metrics = createAlertMetrics(new client.Registry());
    const evaluation = new PgLease(db, { name: 'alert-evaluation', holder: 'eval-1', ttlMs: 10_000 });
    const senderLease = new PgLease(db, { name: 'alert-sender', holder: 'sender-1', ttlMs: 5_000, log });
    const sender = new OutboxSender(
      { db, lease: senderLease, send: httpSend(receiver.url, 400), metrics, log },
      { groupIntervalMs: 100, pollMs: 50, retryBaseMs: 200, retryCapMs: 5_000 },
    );
    try {
      const fence = await evaluation.tryAcquire();
      if (!fence) throw new Error('no evaluation lease');
      // Two alerts of one team within the grouping interval: one message.
      const outcome = await recordChanges(db, fence, [change('a1', 1), change('b1', 1)], { outboxMax: 100 });
      expect(outcome).toEqual({ recorded: 2, skipped: 0, queued: 2, dropped: 0 });
      sender.start();
      await receiver.waitFor(3);
      await expect
        .poll(async () => (await listDeliveries(db.sql, { tenantNames: null, limit: 10 }))[0]?.deliveredAt)
        .toBeTruthy();

      const ids = new Set(receiver.received.map((r) => r.message.deliveryId));
      expect(ids.size).toBe(1);
      expect(receiver.received.map((r) => r.message.changes.map((c) => c.fingerprint.slice(0, 2)))).toEqual([
        ['a1', 'b1'],
        ['a1', 'b1'],
        ['a1', 'b1'],
      ]);
      // Backoff: the second attempt waits at least 0.8 × 200 ms after the 500; the third
      // at least 0.8 × 400 ms after the second one's 400 ms timeout.
      const [t1, t2, t3] = receiver.received.map((r) => r.at) as [number, number, number];
      expect(t2 - t1).toBeGreaterThanOrEqual(150);
      expect(t3 - t2).toBeGreaterThanOrEqual(400 + 300);

      const [d] = await listDeliveries(db.sql, { tenantNames: ['Acme'], limit: 10 });
      expect(d?.deliveryId).toBe([...ids][0]);
      expect(d?.attempts).toBe(3);
      expect(d?.attemptLog.map((a) => a.status)).toEqual([500, null, 200]);
      expect(d?.attemptLog[1]?.error).toMatch(/timeout|abort/i);
      expect(d?.lastStatus).toBe(200);
      expect(await db.sql(`SELECT 1 FROM sla_alert_outbox WHERE delivered_at IS NULL`)).toHaveLength(0);
      expect((await metrics.deliveryFailures.get()).values.map((v) => v.value).reduce((a, b) => a + b, 0)).toBe(2);

      // Nothing more goes out once delivered.
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(3);
    } finally {
      await sender.stop();
      await receiver.close();
    }
  });
});
