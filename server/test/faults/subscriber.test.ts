import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import type { App } from '../../src/bootstrap.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../support/app.js';
import { pgEntities, podEntities, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';

describe('the subscriber connection', () => {
  const schema = uniqueSchema('subkill');
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await dropSchema(schema);
  });

  it('killed while changes flow: the pod reconnects, catches up by change id, and its view equals PostgreSQL', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.close());
    const prefix = uniquePrefix('subkill');
    const env = { schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    const writerPod: App = await startPod({ ...env, POD_ID: 'writer' });
    cleanups.push(() => writerPod.close());
    const readerPod: App = await startPod({ ...env, POD_ID: 'reader' });
    cleanups.push(() => readerPod.close());
    const admin = new Redis(redis.url);
    cleanups.push(async () => admin.disconnect());

    let writing = true;
    const durations: number[] = [];
    const writes = (async () => {
      for (let i = 0; writing || i < 25; i++) {
        const t = Date.now();
        const r = await post(writerPod.url, '/api/cache/incremental-update', {
          tenantName: 'Sub',
          teamName: 'T',
          entityType: 'job',
          entityName: `job_${i % 25}`,
          currentSla: i % 100,
          status: 'Passed',
        });
        expect(r.status).toBe(200);
        durations.push(Date.now() - t);
        if (durations.length > 1_000) durations.shift();
      }
    })();
    const subscribers = async () =>
      String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
        .trim()
        .split('\n')
        .filter(Boolean).length;
    try {
      for (let k = 0; k < 5; k++) {
        await eventually(async () => (await subscribers()) === 2, 5_000, 'both subscribers connected');
        await new Promise((r) => setTimeout(r, 200));
        expect(Number(await admin.client('KILL', 'TYPE', 'pubsub'))).toBe(2);
      }
    } finally {
      writing = false;
      await writes;
    }
    const truth = sorted(await pgEntities(schema));
    expect(truth.length).toBe(25);
    await eventually(
      () => JSON.stringify(sorted(podEntities(readerPod))) === JSON.stringify(truth),
      5_000,
      'reader view = postgres',
    );
    await eventually(
      async () => (await getJson(readerPod.url, '/api/cache/status')).json.subscriberConnection === 'ready',
      5_000,
      'the subscriber to be back',
    );
    const status = await getJson(readerPod.url, '/api/cache/status');
    expect(status.json.lastChangeId).toBe((await getJson(writerPod.url, '/api/cache/status')).json.lastChangeId);
  });
});
