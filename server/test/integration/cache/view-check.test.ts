import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { pgEntities, podEntities, sorted } from '../../support/consistency.js';
import { uniquePrefix } from '../../support/ids.js';
import { migratedSchema, seedEntities } from '../../support/seed.js';
import { REDIS_URL } from './redis-helpers.js';

/** This pod's count of view checks with `result` (the `sla_view_checks_total` counter). */
async function checks(app: App, result: 'match' | 'mismatch' | 'skipped'): Promise<number> {
  const metric = await app.deps.metrics.viewChecks.get();
  return metric.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe("checking every pod's view after a full refresh", () => {
  const schema = uniqueSchema('view_check');
  const prefix = uniquePrefix('viewcheck');
  let a: App;
  let b: App;

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, 500);
    const env = { schema, REDIS_URL, REDIS_KEY_PREFIX: prefix };
    a = await startPod({ ...env, POD_ID: 'check-a' });
    b = await startPod({ ...env, POD_ID: 'check-b' });
    await eventually(
      async () => (await a.deps.cache.status()).mode === 'redis' && (await b.deps.cache.status()).mode === 'redis',
      20_000,
      'both pods in redis mode',
    );
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('a pod whose view lost an entity finds it at the next refresh and repairs it from redis; a healthy pod matches', async () => {
    // Pod b's view drifts: entity 7 is gone from it (as a missed delivery would leave it).
    const view = b.deps.cache.view;
    const kept = [...view.entities()].filter((e) => e.id !== 7);
    view.reset();
    for (const e of kept) view.apply(e);
    expect(view.size).toBe(499);
    // A change after the drift: b's checkpoint at it carries the drift.
    const r = await post(a.url, '/api/cache/incremental-update', { ...UPDATE, entityName: 'after_drift' });
    expect(r.status, r.text).toBe(200);
    const head = r.json.changeId as number;
    await eventually(() => b.deps.cache.follower.applied >= head, 5_000, 'pod b at the head');

    const matchedBefore = await checks(a, 'match');
    const refreshed = await post(a.url, '/api/cache/refresh', {});
    expect(refreshed.status, refreshed.text).toBe(200);
    await eventually(async () => (await checks(b, 'mismatch')) === 1, 10_000, 'pod b finds its view differs');
    await eventually(() => b.deps.cache.view.size === 501, 10_000, 'pod b repaired');
    expect(sorted(podEntities(b))).toEqual(sorted(await pgEntities(schema)));
    await eventually(async () => (await checks(a, 'match')) === matchedBefore + 1, 5_000, 'pod a matches');
    expect(await checks(a, 'mismatch')).toBe(0);
  });

  it('after the repair, the next refresh finds every view matching', async () => {
    const r = await post(a.url, '/api/cache/incremental-update', { ...UPDATE, entityName: 'after_repair' });
    expect(r.status, r.text).toBe(200);
    await eventually(() => b.deps.cache.follower.applied >= (r.json.changeId as number), 5_000, 'pod b at the head');
    const before = { a: await checks(a, 'match'), b: await checks(b, 'match') };
    expect((await post(b.url, '/api/cache/refresh', {})).status).toBe(200);
    await eventually(
      async () => (await checks(a, 'match')) === before.a + 1 && (await checks(b, 'match')) === before.b + 1,
      10_000,
      'both pods match',
    );
    expect(await checks(b, 'mismatch')).toBe(1);
  });
});
