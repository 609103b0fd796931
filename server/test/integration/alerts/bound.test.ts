import { Writable } from 'node:stream';
import pino from 'pino';
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PgLease } from '../../../src/alerts/lease.js';
import { createAlertMetrics } from '../../../src/alerts/metrics.js';
import { OutboxSender } from '../../../src/alerts/sender.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import { httpSend, startReceiver } from '../../support/alert-receiver.js';
import { change, sleep, useAlertSchema } from './helpers.js';

describe('bounded alert outbox', () => {
  let db: Db;
  useAlertSchema('alert_bound', (opened) => {
    db = opened;
  });

  it('drops the oldest past ALERT_OUTBOX_MAX while the receiver is down, counted and logged, and recording stays fast', async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await receiver.close(); // connection refused from now on
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const metrics = createAlertMetrics(new client.Registry());
    const evaluation = new PgLease(db, { name: 'alert-evaluation', holder: 'eval-1', ttlMs: 10_000 });
    const sender = new OutboxSender(
      {
        db,
        lease: new PgLease(db, { name: 'alert-sender', holder: 's-1', ttlMs: 3_000 }),
        send: httpSend(deadUrl, 200),
        metrics,
      },
      { groupIntervalMs: 0, pollMs: 20, retryBaseMs: 20, retryCapMs: 100, maxChangesPerMessage: 5 },
    );
    const outboxMax = 50;
    try {
      const fence = await evaluation.tryAcquire();
      if (!fence) throw new Error('no evaluation lease');
      sender.start();
      const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => change(`f${from + i}`, 1));
      // Up to the bound: nothing dropped.
      expect((await recordChanges(db, fence, batch(0, 50), { outboxMax, metrics, log })).dropped).toBe(0);
      await sleep(200); // the sender composes its first message of 5 and keeps retrying it
      const durations: number[] = [];
      let dropped = 0;
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        const out = await recordChanges(db, fence, batch(50 + i * 10, 10), { outboxMax, metrics, log });
        durations.push(performance.now() - started);
        expect(out.recorded).toBe(10);
        dropped += out.dropped;
      }
      expect(Math.max(...durations)).toBeLessThan(500);

      const rows = await db.sql<{ id: string; state: string; in_message: boolean }>(
        `SELECT id, CASE WHEN dropped_at IS NOT NULL THEN 'dropped' WHEN delivered_at IS NOT NULL THEN 'delivered' ELSE 'pending' END AS state,
                delivery_id IS NOT NULL AS in_message
           FROM sla_alert_outbox ORDER BY id`,
      );
      const pendingLoose = rows.filter((r) => r.state === 'pending' && !r.in_message);
      const inMessage = rows.filter((r) => r.in_message);
      expect(pendingLoose).toHaveLength(outboxMax);
      expect(inMessage).toHaveLength(5); // the message being retried is kept whole
      expect(rows.filter((r) => r.state === 'delivered')).toHaveLength(0);
      // The dropped ones are the oldest of those not in a message.
      const droppedRows = rows.filter((r) => r.state === 'dropped');
      expect(droppedRows).toHaveLength(200 - outboxMax - 5);
      expect(dropped).toBe(droppedRows.length);
      expect(Math.max(...droppedRows.map((r) => Number(r.id)))).toBeLessThan(
        Math.min(...pendingLoose.map((r) => Number(r.id))),
      );
      expect((await metrics.outboxDropped.get()).values).toEqual([
        expect.objectContaining({ labels: { reason: 'bound' }, value: droppedRows.length }),
      ]);
      const fullLines = lines.filter((l) => l.includes('alert outbox full'));
      expect(fullLines).toHaveLength(15); // one per recording that dropped, not one per change
      const logged = fullLines.map((l) => JSON.parse(l) as { dropped: number; outboxMax: number });
      expect(logged.every((l) => l.outboxMax === outboxMax && l.dropped > 0)).toBe(true);
      expect(logged.reduce((sum, l) => sum + l.dropped, 0)).toBe(droppedRows.length);
      // Alert state is kept whatever the outbox dropped.
      expect(await db.sql(`SELECT 1 FROM sla_alert WHERE state = 'firing'`)).toHaveLength(200);
      const failures = (await metrics.deliveryFailures.get()).values.find((v) => v.labels.kind === 'retryable');
      expect(failures?.value).toBeGreaterThan(2);
    } finally {
      await sender.stop();
    }
  });
});
