import type { Change, Entity } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import {
  httpClient,
  query,
  range,
  redisEntityCounts,
  type Subscriber,
  subscribeChanges,
  trackedEpoch,
  updateFor,
} from './helpers.js';

const TOTAL = 2_000;
const ENTITIES = 50;
const WRITERS_PER_POD = 4;

/** One writer: single updates and batches of 2–5 against one pod until the shared budget is spent. */
async function writer(url: string, budget: { left: number }, changeIds: number[]): Promise<void> {
  while (budget.left > 0) {
    const n = Math.min(budget.left, Math.random() < 0.5 ? 1 : 2 + Math.floor(Math.random() * 4));
    budget.left -= n;
    const updates = Array.from({ length: n }, () => updateFor(Math.floor(Math.random() * ENTITIES)));
    const r =
      n === 1
        ? await post(url, '/api/cache/incremental-update', updates[0])
        : await post(url, '/api/cache/incremental-updates', { updates });
    if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
    const results = (n === 1 ? [r.json] : (r.json.results as Record<string, unknown>[])) as {
      outcome: string;
      changeId: number;
    }[];
    for (const res of results) {
      expect(res.outcome).toBe('applied');
      changeIds.push(res.changeId);
    }
  }
}

const comparable = (
  e: Pick<
    Entity,
    'tenantName' | 'teamName' | 'entityType' | 'entityName' | 'currentSla' | 'status' | 'version' | 'observedAt'
  >,
) => ({
  key: `${e.tenantName}/${e.teamName}/${e.entityType}/${e.entityName}`,
  currentSla: e.currentSla,
  status: e.status,
  version: e.version,
  observedAt: e.observedAt,
});
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);

describe('change order across two pods with concurrent writers', () => {
  const schema = uniqueSchema('ingest_ordering');
  const prefix = uniquePrefix('ordering');
  let redis: TestRedisServer;
  let a: App;
  let b: App;
  let subA: Subscriber;
  let subB: Subscriber;
  const acceptedIds: number[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    a = await startPod({ ...env, POD_ID: 'pod-a' });
    b = await startPod({ ...env, POD_ID: 'pod-b' });
    subA = await subscribeChanges(a.url);
    subB = await subscribeChanges(b.url);
    const budget = { left: TOTAL };
    await Promise.all(
      [a, b].flatMap((pod) => Array.from({ length: WRITERS_PER_POD }, () => writer(pod.url, budget, acceptedIds))),
    );
  }, 120_000);
  afterAll(async () => {
    await subA?.close();
    await subB?.close();
    await a?.close();
    await b?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  it('hands out change ids 1..N with no gap and no repeat', async () => {
    expect([...acceptedIds].sort((x, y) => x - y)).toEqual(range(1, TOTAL));
    const [row] = await query<{ n: string; lo: string; hi: string }>(
      `SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM "${schema}".sla_change`,
    );
    expect(row).toEqual({ n: String(TOTAL), lo: '1', hi: String(TOTAL) });
  });

  it('delivers every change to a subscriber on each pod exactly once, in ascending order', async () => {
    await subA.waitForCount(TOTAL);
    await subB.waitForCount(TOTAL);
    await new Promise((r) => setTimeout(r, 300)); // anything extra (a repeat) would show up now
    for (const sub of [subA, subB]) {
      expect(sub.errors).toEqual([]);
      expect(sub.ids).toEqual(range(1, TOTAL));
      expect(trackedEpoch(sub)).toBe(trackedEpoch(subA));
    }
    // Both pods told their subscribers the same thing, whether a change was committed locally or arrived from the other pod.
    expect(subB.changes).toEqual(subA.changes);
    expect(new Set(subA.changes.map((c: Change) => c.source))).toEqual(new Set(['open']));
  });

  it('lists every change once, newest first, when recent changes are paged with the cursor', async () => {
    for (const pod of [a, b]) {
      const seen: number[] = [];
      let cursor: number | null = null;
      do {
        const page = await getJson(pod.url, `/api/cache/recent-changes?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...(page.json.changes as Change[]).map((c) => c.id));
        cursor = page.json.nextCursor as number | null;
      } while (cursor !== null);
      expect(seen).toEqual(range(1, TOTAL).reverse());
    }
  });

  it('leaves both pods, Redis and PostgreSQL with the same entity states', async () => {
    for (const pod of [a, b])
      await eventually(() => pod.deps.cache.follower.applied === TOTAL, 10_000, 'pod caught up');
    const rows = await query<{
      tenant_name: string;
      team_name: string;
      entity_type: string;
      entity_name: string;
      current_sla: number;
      status: Entity['status'];
      version: string;
      observed_at: Date;
    }>(
      `SELECT tenant_name, team_name, entity_type, entity_name, current_sla, status, version, observed_at FROM "${schema}".sla_entity`,
    );
    const expected = rows
      .map((r) =>
        comparable({
          tenantName: r.tenant_name,
          teamName: r.team_name,
          entityType: r.entity_type,
          entityName: r.entity_name,
          currentSla: Number(r.current_sla),
          status: r.status,
          version: Number(r.version),
          observedAt: r.observed_at.toISOString(),
        }),
      )
      .sort(byKey);
    expect(expected.length).toBeGreaterThan(ENTITIES * 0.8);
    for (const pod of [a, b]) {
      const list = await httpClient(pod.url).entities.list.query({ limit: 500 });
      expect(list.total).toBe(expected.length);
      expect(list.items.map(comparable).sort(byKey)).toEqual(expected);
    }
    const status = await httpClient(b.url).cache.status.query();
    expect(status).toMatchObject({ mode: 'redis', lastChangeId: TOTAL, entityCount: expected.length });
    await eventually(
      async () => Object.values(await redisEntityCounts(redis.url, prefix)).includes(expected.length),
      10_000,
      'redis entity count',
    );
  });
});
