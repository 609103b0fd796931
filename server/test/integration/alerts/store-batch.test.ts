import { describe, expect, it } from 'vitest';
import { PgLease } from '../../../src/alerts/lease.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import { change, must, useAlertSchema } from './helpers.js';

describe('recording a storm of alert state changes in one call', () => {
  let db: Db;
  useAlertSchema('alert_store_batch', (opened) => {
    db = opened;
  });

  it('applies every change in the order given, one fingerprint’s twice in sequence, and queues a row per channel in that order', async () => {
    const fence = must(await new PgLease(db, { name: 'alerting', holder: 't', ttlMs: 60_000 }).tryAcquire(), 'lease');
    // 2,500 fingerprints fire (more than one statement's chunk), then the first 10 resolve in the same call,
    // then a change that does not follow its stored sequence (skipped), and one with two channels.
    const changes = [
      ...Array.from({ length: 2_500 }, (_, i) => change(`s${i}`, 1, `team-${i % 7}`)),
      ...Array.from({ length: 10 }, (_, i) => change(`s${i}`, 2, `team-${i % 7}`)),
      change('s20', 5),
      change('two', 1, 'payments', ['hook', 'pager']),
    ];
    const started = performance.now();
    const outcome = await recordChanges(db, fence, changes, { outboxMax: 100_000 });
    const ms = performance.now() - started;
    expect(outcome).toMatchObject({ recorded: 2_511, skipped: 1, queued: 2_512, dropped: 0 });
    const rows = await db.sql<{ fingerprint: string; sequence: number; channel: string }>(
      `SELECT fingerprint, sequence, channel FROM sla_alert_outbox ORDER BY id`,
    );
    const expected = changes
      .filter((c) => c.change.sequence !== 5)
      .flatMap((c) =>
        c.channels.map((channel) => ({ fingerprint: c.change.fingerprint, sequence: c.change.sequence, channel })),
      );
    expect(rows).toEqual(expected);
    const states = await db.sql<{ n: number; state: string }>(
      `SELECT count(*)::int AS n, state FROM sla_alert GROUP BY state ORDER BY state`,
    );
    expect(states).toEqual([
      { n: 2_491, state: 'firing' },
      { n: 10, state: 'resolved' },
    ]);
    console.log(`2,512 state changes recorded in ${ms.toFixed(0)} ms`);
  });
});
