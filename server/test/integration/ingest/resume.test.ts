import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, post, startPod, uniqueSchema } from '../../support/app.js';
import { range, subscribeChanges, trackedEpoch, updateFor } from './helpers.js';

const MISSED = 1_000;
/** More than a pod reads into its replay ring at start-up (RING_PRIME), so the log must serve it. */
const MISSED_BEYOND_RING = 10_500;
const LIVE = 200;

/** Ingests `n` changes through `writers` concurrent loops of batches (1–50 updates). */
async function ingest(url: string, n: number, writers = 4): Promise<void> {
  const budget = { left: n };
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (budget.left > 0) {
        const k = Math.min(budget.left, 1 + Math.floor(Math.random() * 50));
        budget.left -= k;
        const updates = Array.from({ length: k }, (_, i) => updateFor(i % 40));
        const r =
          k === 1
            ? await post(url, '/api/cache/incremental-update', updates[0])
            : await post(url, '/api/cache/incremental-updates', { updates });
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
      }
    }),
  );
}

/** A subscriber sees K changes, then goes away while MISSED more are accepted. Returns K. */
async function seeThenDisconnect(pod: App, missed = MISSED): Promise<number> {
  const first = await subscribeChanges(pod.url);
  await ingest(pod.url, 25, 2);
  await first.waitForCount(25);
  const k = first.ids.at(-1) as number;
  expect(first.ids).toEqual(range(1, k));
  await first.close();
  await ingest(pod.url, missed);
  return k;
}

/** Resumes from K on `pod` while LIVE more changes are written at the same moment. */
async function resumeDuringWrites(pod: App, k: number, missed = MISSED) {
  const [resumed] = await Promise.all([
    subscribeChanges(pod.url, { lastEventId: String(k) }),
    ingest(pod.url, LIVE, 2),
  ]);
  try {
    await resumed.waitForCount(missed + LIVE);
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.errors).toEqual([]);
    expect(resumed.ids).toEqual(range(k + 1, k + missed + LIVE));
    expect(trackedEpoch(resumed)).toBe(pod.deps.cache.identity.epoch);
    // Still live afterwards.
    await ingest(pod.url, 3, 1);
    await resumed.waitForCount(missed + LIVE + 3);
    expect(resumed.ids.slice(-3)).toEqual(range(k + missed + LIVE + 1, k + missed + LIVE + 3));
  } finally {
    await resumed.close();
  }
}

describe('resuming a change subscription with lastEventId', () => {
  const schema = uniqueSchema('resume_ring');
  const schemaLog = uniqueSchema('resume_log');
  const pods: App[] = [];
  const boot = async (s: string) => {
    const pod = await startPod({ schema: s, POD_ID: `resume-${pods.length}` });
    pods.push(pod);
    return pod;
  };
  afterAll(async () => {
    for (const pod of pods) await pod.close();
    await dropSchema(schema);
    await dropSchema(schemaLog);
  });

  it('replays the missed changes from the in-memory ring, in order, once, then live ones', async () => {
    const pod = await boot(schema);
    const k = await seeThenDisconnect(pod);
    expect(pod.deps.cache.feed.since(k, 1)?.[0]?.id).toBe(k + 1);
    await resumeDuringWrites(pod, k);
  });

  it('replays them from PostgreSQL on a pod whose ring never held them', async () => {
    const old = await boot(schemaLog);
    const k = await seeThenDisconnect(old, MISSED_BEYOND_RING);
    await old.close();
    const fresh = await boot(schemaLog);
    expect(fresh.deps.cache.follower.applied).toBe(k + MISSED_BEYOND_RING);
    expect(fresh.deps.cache.feed.since(k, 1)).toBeNull();
    await resumeDuringWrites(fresh, k, MISSED_BEYOND_RING);
  });
});
