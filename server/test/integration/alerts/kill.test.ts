import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLease } from '../../../src/alerts/lease.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import { deduplicated, startReceiver } from '../../support/alert-receiver.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';
import { change, openDb, sleep } from './helpers.js';

const SERVER_DIR = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../support/alert-sender-process.ts', import.meta.url));
const LEASE_TTL_MS = 1_500;

type SenderProcess = { child: ChildProcess; output: () => string; exited: Promise<unknown> };

/** Starts one sender process (Node itself, so SIGKILL reaches the sender and nothing else). */
function spawnSender(schema: string, receiverUrl: string, holder: string): SenderProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      SCHEMA: schema,
      RECEIVER_URL: receiverUrl,
      HOLDER: holder,
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      GROUP_INTERVAL_MS: '100',
      // Small messages: a backlog goes out in one message per team otherwise, and the test
      // needs many requests to kill the sender during two of them.
      MAX_CHANGES_PER_MESSAGE: '8',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', r)) };
}

/** Records `fingerprints` × `sequences` changes (sequence by sequence, in chunks of 10, paced) under an evaluation lease. */
async function recordAll(db: Db, fingerprints: number, sequences: number): Promise<void> {
  const fence = await new PgLease(db, { name: 'alert-evaluation', holder: 'test', ttlMs: 60_000 }).tryAcquire();
  if (!fence) throw new Error('no evaluation lease');
  for (let seq = 1; seq <= sequences; seq++) {
    for (let f = 0; f < fingerprints; f += 10) {
      const chunk = Array.from({ length: 10 }, (_, i) => change(`fp${f + i}`, seq, `team-${(f + i) % 3}`));
      await recordChanges(db, fence, chunk, { outboxMax: 10_000 });
      await sleep(60);
    }
  }
}

async function stopAll(children: SenderProcess[]): Promise<void> {
  for (const c of children.splice(0)) {
    c.child.kill('SIGKILL');
    await c.exited;
  }
}

async function allDelivered(db: Db, expected: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [r] = await db.sql<{ total: number; open: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE delivered_at IS NULL)::int AS open FROM sla_alert_outbox`,
    );
    if (r?.total === expected && r.open === 0) return;
    if (Date.now() > until) throw new Error(`outbox not delivered in time: ${JSON.stringify(r)}`);
    await sleep(100);
  }
}

describe('alert sender killed mid-delivery', () => {
  const schema = uniqueSchema('alert_kill');
  let db: Db;
  let closeDb: () => Promise<void>;
  const children: SenderProcess[] = [];
  beforeAll(async () => {
    ({ db, close: closeDb } = await openDb(schema));
  });
  afterAll(async () => {
    await stopAll(children);
    await closeDb();
    await dropSchema(schema);
  });

  it('loses nothing and duplicates nothing (by delivery id) when the sender is SIGKILLed twice while a request is open', async () => {
    // The 2nd and the 6th requests are held open: the sender is killed while waiting for them.
    const receiver = await startReceiver((n) => (n === 2 || n === 6 ? 'hang' : 200));
    try {
      const first = spawnSender(schema, receiver.url, 'sender-1');
      children.push(first);
      const recording = recordAll(db, 50, 4); // 200 state changes, about 1.2 s of recording

      await receiver.waitFor(2);
      first.child.kill('SIGKILL');
      await first.exited;
      const held = receiver.received[1]?.message.deliveryId;
      const second = spawnSender(schema, receiver.url, 'sender-2');
      children.push(second);

      await receiver.waitFor(6);
      second.child.kill('SIGKILL');
      await second.exited;
      const third = spawnSender(schema, receiver.url, 'sender-3');
      children.push(third);

      await recording;
      await allDelivered(db, 200);

      // The message open at the first kill was resent by the next holder with the same id.
      const resent = receiver.received.filter((r) => r.message.deliveryId === held);
      expect(resent.map((r) => r.sender)).toEqual(['sender-1', 'sender-2']);

      const got = deduplicated(receiver);
      expect(got).toHaveLength(200);
      expect(new Set(got.map((c) => `${c.fingerprint}#${c.sequence}`)).size).toBe(200);
      const perFingerprint = new Map<string, number[]>();
      for (const c of got)
        perFingerprint.set(c.fingerprint, [...(perFingerprint.get(c.fingerprint) ?? []), c.sequence]);
      expect(perFingerprint.size).toBe(50);
      for (const seqs of perFingerprint.values()) expect(seqs).toEqual([1, 2, 3, 4]);
      for (const c of got) expect(c.state).toBe(c.sequence % 2 === 1 ? 'firing' : 'resolved');
      expect(receiver.maxInFlight()).toBe(1);
      const deliveryRows = await db.sql(`SELECT 1 FROM sla_alert_delivery WHERE delivered_at IS NOT NULL`);
      expect(deliveryRows).toHaveLength(new Set(receiver.received.map((r) => r.message.deliveryId)).size);
    } finally {
      await stopAll(children);
      await receiver.close();
    }
  }, 90_000);

  it('two senders started together: one delivers, never two at once', async () => {
    await db.sql(`TRUNCATE sla_alert_outbox, sla_alert, sla_alert_delivery, sla_lease`);
    const receiver = await startReceiver(() => 200);
    try {
      const pair = [spawnSender(schema, receiver.url, 'twin-a'), spawnSender(schema, receiver.url, 'twin-b')];
      children.push(...pair);
      await recordAll(db, 20, 2);
      await allDelivered(db, 40);
      expect(receiver.maxInFlight()).toBe(1);
      expect(new Set(receiver.received.map((r) => r.sender)).size).toBe(1);
      expect(deduplicated(receiver)).toHaveLength(40);
    } finally {
      await stopAll(children);
      await receiver.close();
    }
  }, 60_000);
});
