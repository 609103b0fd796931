import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { redisEntityCounts, rowCounts } from './helpers.js';

import { cases, MANY, ONE } from './validation-cases.js';

describe('ingest validation: bad input gets a clear 4xx and writes nothing', () => {
  const schema = uniqueSchema('ingest_validation');
  const prefix = uniquePrefix('validation');
  let redis: TestRedisServer;
  let app: App;
  let before: { changes: number; entities: number };
  let redisBefore: Record<string, number>;

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await startPod({ schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, POD_ID: 'validation' });
    expect((await post(app.url, ONE, UPDATE)).status).toBe(200);
    await eventually(
      async () => Object.values(await redisEntityCounts(redis.url, prefix)).includes(1),
      10_000,
      'redis write-through',
    );
    before = await rowCounts(schema);
    redisBefore = await redisEntityCounts(redis.url, prefix);
    expect(before).toEqual({ changes: 1, entities: 1 });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  it.each(cases)('$name → $status', async (c) => {
    const r = await post(app.url, c.path ?? ONE, c.body, c.headers);
    expect(r.status, r.text).toBe(c.status);
    expect(typeof r.json?.message, r.text).toBe('string');
    expect(r.json.message).toMatch(c.says);
    expect(await rowCounts(schema)).toEqual(before);
    expect(await redisEntityCounts(redis.url, prefix)).toEqual(redisBefore);
  });

  it('GET on a POST route → 405 naming the allowed method', async () => {
    for (const path of [ONE, MANY]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as { message: string }).message).toMatch(/GET is not allowed.*use POST/);
    }
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('a charset parameter on application/json is accepted, and the pod is still healthy', async () => {
    const r = await post(
      app.url,
      ONE,
      { ...UPDATE, entityName: 'charset_ok' },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(r.status, r.text).toBe(200);
    expect(await rowCounts(schema)).toEqual({ changes: before.changes + 1, entities: before.entities + 1 });
  });
});
