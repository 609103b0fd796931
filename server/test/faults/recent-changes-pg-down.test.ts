import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import type { App } from '../../src/bootstrap.js';
import { dropSchema, eventually, getJson, PG_URL, startPod, uniqueSchema } from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';
import { migratedSchema, seedEntities } from '../support/seed.js';
import { PG_PORT, proxiedUrl } from './pg-fault.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** More changes than the tail keeps, so the oldest are only in PostgreSQL. */
const SEEDED = 10_050;
const TAIL_SIZE = 10_000;

/**
 * A filtered page of recent changes that the Redis tail cannot complete (a quiet tenant)
 * while PostgreSQL is away: the tail's matches are answered with a cursor below its span,
 * and only the page below needs PostgreSQL.
 */
describe('filtered recent changes while PostgreSQL is away, beyond what the tail holds', () => {
  const schema = uniqueSchema('recent_pg_down');
  const prefix = uniquePrefix('recentpgdown');
  let proxy: TcpProxy;
  let app: App;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, SEEDED);
    proxy = await startTcpProxy(PG_PORT);
    app = await startPod({
      schema,
      DATABASE_URL: proxiedUrl(proxy.port),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      CACHE_CHANGE_TAIL_SIZE: String(TAIL_SIZE),
    });
    await eventually(async () => (await app.deps.cache.status()).mode === 'redis', 20_000, 'redis mode');
    await eventually(
      async () => {
        const [key] = await redis.keys(`${prefix}{tail}:changes:*`);
        return key !== undefined && (await redis.xlen(key)) >= TAIL_SIZE;
      },
      20_000,
      'the tail refilled',
    );
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    redis.disconnect();
    await dropSchema(schema, PG_URL);
  });

  it('answers the matches the tail holds with a cursor below it; only that next page answers 503', async () => {
    proxy.pause();
    await new Promise((r) => setTimeout(r, 1_100)); // past any hot-read answer of the last second
    const quiet = await getJson(app.url, '/api/cache/recent-changes?tenantName=Nobody&limit=5');
    expect(quiet.status).toBe(200);
    expect(quiet.json.changes).toEqual([]);
    const below = quiet.json.nextCursor as number;
    expect(below).toBeGreaterThan(1);
    expect(below).toBeLessThanOrEqual(SEEDED - TAIL_SIZE + 100);
    const older = await getJson(app.url, `/api/cache/recent-changes?tenantName=Nobody&limit=5&cursor=${below}`);
    expect(older.status).toBe(503);
    const busy = await getJson(app.url, '/api/cache/recent-changes?tenantName=Bulk&limit=5');
    expect(busy.status).toBe(200);
    expect((busy.json.changes as { id: number }[]).map((c) => c.id)).toEqual([
      SEEDED,
      SEEDED - 1,
      SEEDED - 2,
      SEEDED - 3,
      SEEDED - 4,
    ]);

    proxy.resume();
    await eventually(
      async () =>
        (await getJson(app.url, '/api/cache/recent-changes?tenantName=Nobody&limit=5')).json.nextCursor === null,
      10_000,
      'the whole log answered again',
    );
  });
});
