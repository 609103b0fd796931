import type { RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { Db } from '../../db/sql.js';
import type { StateCheck } from '../../domain/checksum.js';
import type { Config } from '../../platform/config.js';
import type { Metrics } from '../../platform/metrics.js';
import type { RefreshLock } from '../lock/lock.js';
import type { CacheStore } from '../store/types.js';
import { readEncodedSnapshot } from './pg-snapshot.js';
import { replayLog } from './replay.js';

class RefreshAborted extends Error {}

/** A refresh's result, with (when it ran) what pods check their view against: its snapshot's count and checksum. */
export type RefreshOutcome = RefreshResult & { check?: StateCheck };

/** A generation whose switch keeps finding itself behind gives up after this many catch-ups. */
const MAX_SWITCH_ATTEMPTS = 20;

/**
 * Rebuilds the store from PostgreSQL into a new generation and switches it in atomically.
 * Only the lock holder runs it; the lock is renewed while it runs, and the switch is
 * fenced by the lock token and the generation number, so a holder that stalled past its
 * lock cannot overwrite newer data. Resolves `started: false` with the holder when another
 * pod holds the lock. Throws RefreshAborted when the lock was lost, the switch was fenced or
 * it stayed behind for MAX_SWITCH_ATTEMPTS; PostgreSQL and store errors pass through.
 * The lock is released in every case.
 */
export async function runRefresh(d: {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Metrics;
  store: CacheStore;
  lock: RefreshLock;
  trigger: string;
}): Promise<RefreshOutcome> {
  const { config, db, log, metrics, store, lock } = d;
  const ttl = config.CACHE_LOCK_TIMEOUT_MS;
  const got = await lock.acquire(ttl);
  if (!got) {
    metrics.lock.inc({ outcome: 'denied' });
    return { started: false, heldBy: await lock.holder(), generation: null, entityCount: null, durationMs: null };
  }
  metrics.lock.inc({ outcome: 'acquired' });
  const started = Date.now();
  let lost = false;
  const renew = setInterval(
    () => {
      void lock.renew(got.token, ttl).then(
        (ok) => {
          if (!ok && !lost) {
            lost = true;
            metrics.lock.inc({ outcome: 'lost' });
          }
        },
        () => undefined,
      );
    },
    Math.max(250, ttl / 3),
  );
  const check = () => {
    if (lost) throw new RefreshAborted('the refresh lock was lost');
  };
  try {
    const gen = got.fence;
    log.info({ generation: gen, trigger: d.trigger, store: store.kind }, 'cache refresh started');
    let teams: Map<string, number> = new Map();
    let writing: Promise<void> = Promise.resolve();
    const {
      head,
      count,
      epoch,
      check: snapshotCheck,
    } = await readEncodedSnapshot(db, {
      // The new generation starts at the change the snapshot includes; replay continues from there.
      onStart: async (snapshotHead, teamCounts) => {
        teams = teamCounts;
        await store.beginGeneration(gen, snapshotHead);
      },
      onBatch: async (rows) => {
        check();
        // One batch is written while PostgreSQL reads the next: packing and the bucket
        // scripts then overlap the cursor instead of adding to it.
        await writing;
        // Team counts go with the first batch, once.
        writing = store.writeEncodedSnapshot(gen, rows, teams);
        writing.catch(() => undefined); // awaited (and thrown) before the next batch or after the last
        teams = new Map();
      },
    });
    await writing;
    let applied = head;
    for (let attempt = 1; ; attempt++) {
      check();
      applied = await replayLog(db.sql, store, applied, Number.MAX_SAFE_INTEGER, gen);
      const outcome = await store.switchGeneration(
        {
          generation: gen,
          appliedChangeId: applied,
          entityCount: count,
          teamCount: 0,
          builtAt: Date.now(),
          builtBy: config.podId,
          durationMs: Date.now() - started,
          epoch,
        },
        got.token,
      );
      if (outcome === 'switched') break;
      if (outcome === 'fenced') throw new RefreshAborted('a newer generation or lock holder fenced this refresh');
      if (attempt >= MAX_SWITCH_ATTEMPTS) throw new RefreshAborted('could not catch up with live changes');
    }
    // Changes written to the old generation while switching are replayed into the new one.
    await replayLog(db.sql, store, applied);
    const durationMs = Date.now() - started;
    metrics.refreshDuration.observe({ result: 'success' }, durationMs / 1000);
    metrics.refreshLastSuccess.set(Date.now() / 1000);
    const entityCount = (await store.counts()).entities;
    log.info({ generation: gen, entityCount, durationMs }, 'cache refresh finished');
    return { started: true, heldBy: null, generation: gen, entityCount, durationMs, check: snapshotCheck };
  } catch (err) {
    metrics.refreshDuration.observe({ result: 'failure' }, (Date.now() - started) / 1000);
    // The scheduler logs failures once per change of state (and backs off); each attempt is a debug line.
    log.debug({ err }, 'cache refresh attempt failed');
    throw err;
  } finally {
    clearInterval(renew);
    await lock.release(got.token).catch(() => undefined);
  }
}
