import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { range, subscribeChanges, updateFor } from '../integration/ingest/helpers.js';
import {
  dropSchema,
  eventually,
  getJson,
  PG_URL,
  type PodProcess,
  post,
  spawnPod,
  startPod,
  uniqueSchema,
} from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedLongLog } from '../support/seed.js';

type Recent = { changes: { id: number; tenantName: string }[] };

/** Samples of the propagation-lag histogram above `seconds`, from the pod's /metrics. */
async function lagSamplesAbove(url: string, seconds: number): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
  const count = value(/^sla_change_propagation_lag_seconds_count (\S+)$/m);
  const within = value(new RegExp(`^sla_change_propagation_lag_seconds_bucket\\{le="${seconds}"\\} (\\S+)$`, 'm'));
  return count - within;
}

/** Every change after `after` up to the log head, as a subscriber resuming on `url` receives them. */
async function resumeFrom(url: string, after: number, head: number): Promise<number[]> {
  const s = await subscribeChanges(url, { lastEventId: String(after) });
  try {
    await s.waitForCount(head - after, 30_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.errors).toEqual([]);
    return s.ids;
  } finally {
    await s.close();
  }
}

describe('a pod restarted with Redis configured', () => {
  let redis: TestRedisServer;
  const schemas: string[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
    for (const s of schemas) await dropSchema(s);
  });

  it('with a log much longer than its entities: the newest changes, a recent tenant and a resume near the head are right after every start', async () => {
    const schema = uniqueSchema('longlog');
    schemas.push(schema);
    await migratedSchema(schema);
    const HEAD = 30_000;
    await seedLongLog(schema, 300, HEAD);
    const env = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix('longlog'),
    };
    for (const stop of ['first start', 'SIGTERM', 'SIGKILL'] as const) {
      const pod = await spawnPod({ ...env, POD_ID: `long-${stop}` });
      try {
        const newest = (await getJson(pod.url, '/api/cache/recent-changes?limit=1')).json as Recent;
        expect(
          newest.changes.map((c) => c.id),
          stop,
        ).toEqual([HEAD]);
        const tenant = (await getJson(pod.url, '/api/cache/recent-changes?tenantName=Recent&limit=50')).json as Recent;
        expect(
          tenant.changes.map((c) => c.id),
          stop,
        ).toEqual(range(HEAD - 4, HEAD).reverse());
        expect(await resumeFrom(pod.url, HEAD - 10, HEAD), stop).toEqual(range(HEAD - 9, HEAD));
        // The seeded changes are three days old: none of them was a live delivery.
        expect(await lagSamplesAbove(pod.url, 10), stop).toBe(0);
      } finally {
        pod.kill(stop === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM');
        await pod.exited;
      }
    }
  }, 240_000);

  it('while another pod takes writes: a subscriber resuming on the restarted pod receives every change, once, in order', async () => {
    const schema = uniqueSchema('restartwrites');
    schemas.push(schema);
    const prefix = uniquePrefix('restartwrites');
    const writer: App = await startPod({ schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, POD_ID: 'writer' });
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    let writing = true;
    // Several writers, so changes commit throughout the restarted pod's start-up.
    const writes = Promise.all(
      range(1, 4).map(async (w) => {
        for (let i = 0; writing; i++) {
          const r = await post(writer.url, '/api/cache/incremental-update', updateFor((i * 4 + w) % 40));
          if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
        }
      }),
    );
    const head = async () => Number((await getJson(writer.url, '/api/cache/status')).json.lastChangeId);
    let pod: PodProcess | null = null;
    try {
      await eventually(async () => (await head()) > 100, 20_000, 'some changes');
      pod = await spawnPod({ ...env, POD_ID: 'restarted-0' });
      for (const [k, signal] of (['SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGTERM'] as const).entries()) {
        const before = await head();
        pod.kill(signal);
        await pod.exited;
        pod = await spawnPod({ ...env, POD_ID: `restarted-${k + 1}` });
        // Everything committed while it started, and a little more, must be resumable on it.
        const after = (await head()) + 20;
        await eventually(
          async () => Number((await getJson(pod?.url ?? '', '/api/cache/status')).json.lastChangeId) >= after,
          20_000,
          'the restarted pod to see more changes',
        );
        const got = await resumeFrom(pod.url, before - 20, after);
        expect(got.slice(0, after - before + 20), `restart ${k + 1} (${signal})`).toEqual(range(before - 19, after));
      }
    } finally {
      writing = false;
      await writes;
      pod?.kill('SIGKILL');
      await pod?.exited;
      await writer.close();
    }
  }, 240_000);
});
