import { describe, expect, it } from 'vitest';
import { createDelivery, recordAttempt } from '../../../src/alerts/deliveries.js';
import { LeaseLost, PgLease } from '../../../src/alerts/lease.js';
import { pendingRows } from '../../../src/alerts/outbox.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import { change, must, sleep, useAlertSchema } from './helpers.js';

const ok = { ok: true, status: 200, error: null, retryable: false, durationMs: 5 };

describe('lease fencing', () => {
  let db: Db;
  useAlertSchema('alert_fence', (opened) => {
    db = opened;
  });
  const count = async (table: string) => (await db.sql(`SELECT 1 FROM ${table}`)).length;

  it('grants one holder at a time, with a larger token each grant; an old token records nothing', async () => {
    const a = new PgLease(db, { name: 'evaluation', holder: 'pod-a', ttlMs: 300 });
    const b = new PgLease(db, { name: 'evaluation', holder: 'pod-b', ttlMs: 10_000 });
    const fenceA = must(await a.tryAcquire(), 'lease');
    expect(await b.tryAcquire()).toBeNull(); // A's grant runs
    expect((await recordChanges(db, fenceA, [change('x', 1)], { outboxMax: 100 })).recorded).toBe(1);

    await sleep(400); // A is paused past its ttl; B takes over
    const fenceB = must(await b.tryAcquire(), 'lease');
    expect(fenceB.token).toBeGreaterThan(fenceA.token);
    expect(a.fence).toBeNull(); // A's own clock says it no longer holds it either

    const before = [await count('sla_alert_outbox'), await count('sla_alert')];
    await expect(
      recordChanges(db, fenceA, [change('x', 2), change('y', 1)], { outboxMax: 100 }),
    ).rejects.toBeInstanceOf(LeaseLost);
    expect([await count('sla_alert_outbox'), await count('sla_alert')]).toEqual(before);
    const [x] = await db.sql<{ sequence: number; state: string }>(`SELECT sequence, state FROM sla_alert`);
    expect(x).toEqual({ sequence: 1, state: 'firing' });

    // The current holder records; the same change again is skipped (idempotent), a gap is skipped too.
    expect(
      await recordChanges(db, fenceB, [change('x', 2), change('x', 2), change('x', 4)], { outboxMax: 100 }),
    ).toEqual({
      recorded: 1,
      skipped: 2,
      queued: 1,
      dropped: 0,
    });
  });

  it('a holder that re-acquires gets a new token: its own earlier token is fenced off', async () => {
    const a = new PgLease(db, { name: 're-acquire', holder: 'pod-a', ttlMs: 10_000 });
    const first = must(await a.tryAcquire());
    const second = must(await a.tryAcquire());
    expect(second.token).toBe(first.token + 1);
    await expect(recordChanges(db, first, [change('z', 1)], { outboxMax: 100 })).rejects.toBeInstanceOf(LeaseLost);
  });

  it('an old sender token cannot mark a delivery delivered after another sender took the lease', async () => {
    const evaluation = must(await new PgLease(db, { name: 'evaluation-2', holder: 'e', ttlMs: 10_000 }).tryAcquire());
    await recordChanges(db, evaluation, [change('m', 1)], { outboxMax: 100 });
    const old = new PgLease(db, { name: 'sender', holder: 'sender-old', ttlMs: 300 });
    const oldFence = must(await old.tryAcquire());
    const group = (await pendingRows(db.sql, 100)).filter((r) => r.fingerprint.startsWith('m-'));
    const delivery = must(await createDelivery(db, oldFence, group), 'delivery');

    await sleep(400);
    const fresh = new PgLease(db, { name: 'sender', holder: 'sender-new', ttlMs: 10_000 });
    const newFence = must(await fresh.tryAcquire());

    await expect(recordAttempt(db, oldFence, delivery, 1, ok, 'delivered')).rejects.toBeInstanceOf(LeaseLost);
    await expect(createDelivery(db, oldFence, group)).rejects.toBeInstanceOf(LeaseLost);
    const state = async () =>
      (
        await db.sql<{ attempts: number; delivered: boolean; rows_delivered: number }>(
          `SELECT d.attempts, d.delivered_at IS NOT NULL AS delivered,
                  (SELECT count(*)::int FROM sla_alert_outbox o WHERE o.delivery_id = d.delivery_id AND o.delivered_at IS NOT NULL) AS rows_delivered
             FROM sla_alert_delivery d WHERE d.delivery_id = ?`,
          [delivery.deliveryId],
        )
      )[0];
    expect(await state()).toEqual({ attempts: 0, delivered: false, rows_delivered: 0 });

    await recordAttempt(db, newFence, delivery, 1, ok, 'delivered');
    expect(await state()).toEqual({ attempts: 1, delivered: true, rows_delivered: 1 });
  });
});
