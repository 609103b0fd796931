import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ChangeFollower, type Delivery } from '../../../src/changelog/follower.js';
import type { LogChange, LogRun } from '../../../src/domain/change.js';

const change = (id: number): LogChange => ({
  id,
  entityId: 1,
  tenantName: 'T',
  teamName: 'm',
  entityType: 'table',
  entityName: 'e',
  previousSla: null,
  previousStatus: null,
  currentSla: 99,
  status: 'Passed',
  slaTarget: 95,
  statusSince: 0,
  observedAt: 0,
  receivedAt: 0,
  applied: true,
  source: 'test',
});
const run = (from: number, to: number): LogRun => ({
  fromId: from,
  toId: to,
  changes: Array.from({ length: to - from + 1 }, (_, i) => change(from + i)),
});

/** A follower over an in-memory log of `head` changes, recording what it delivers. */
function setup(head: number) {
  const log = Array.from({ length: head }, (_, i) => change(i + 1));
  const delivered: { from: number; to: number; how: Delivery }[] = [];
  let reads = 0;
  const follower = new ChangeFollower(
    async (after, limit) => {
      reads++;
      return log.filter((c) => c.id > after).slice(0, limit);
    },
    (r, how) => delivered.push({ from: r.fromId, to: r.toId, how }),
    pino({ level: 'silent' }),
  );
  return { follower, delivered, log, reads: () => reads };
}

describe('the change follower before and after start', () => {
  it('before start, a catch-up (a subscriber reconnecting during start-up) reads and delivers nothing', async () => {
    const { follower, delivered, reads } = setup(30_000);
    await follower.catchUp();
    follower.offer(run(29_999, 30_000));
    expect(follower.started).toBe(false);
    expect(reads()).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('after start(head) it delivers from head + 1 on, and marks log reads apart from live runs', async () => {
    const { follower, delivered, log } = setup(30_000);
    follower.start(30_000);
    log.push(change(30_001), change(30_002));
    follower.offer(run(30_003, 30_003));
    await follower.catchUp();
    expect(follower.applied).toBe(30_003);
    expect(delivered).toEqual([
      { from: 30_001, to: 30_002, how: 'log' },
      { from: 30_003, to: 30_003, how: 'live' },
    ]);
  });

  it('a log read begun before a reset is not delivered after it', async () => {
    const { follower, delivered } = setup(10);
    follower.start(0);
    const reading = follower.catchUp();
    follower.reset();
    await reading;
    expect(delivered).toEqual([]);
    expect(follower.started).toBe(false);
  });
});
