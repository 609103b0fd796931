import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  getJson,
  PG_URL,
  type PodProcess,
  post,
  spawnPod,
  UPDATE,
  uniqueSchema,
} from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect, REDIS_URL } from './redis-helpers.js';

const SERVER = new URL('../../../', import.meta.url);
const luaFiles = (dir: URL) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.lua'))
    .sort();

// Every other test runs the sources; production runs dist/main.js, which reads the Lua
// scripts from dist/lua at start-up.
describe('the production bundle', () => {
  const schema = uniqueSchema('bundle');
  const prefix = uniquePrefix('bundle');
  let pod: PodProcess | undefined;
  afterAll(async () => {
    pod?.kill('SIGTERM');
    await pod?.exited;
    const redis = await connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.unlink(...keys);
    await redis.quit();
    await dropSchema(schema);
  });

  it('carries the Lua scripts and serves from Redis with them', async () => {
    await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: SERVER });
    const src = new URL('src/cache/redis/lua/', SERVER);
    const dist = new URL('dist/lua/', SERVER);
    expect(luaFiles(dist)).toEqual(luaFiles(src));
    for (const f of luaFiles(src))
      expect(readFileSync(new URL(f, dist), 'utf8'), f).toBe(readFileSync(new URL(f, src), 'utf8'));

    // Start-up refreshes Redis under the lock (begin, snapshotEnd, switch, lock scripts).
    pod = await spawnPod(
      { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_KEY_PREFIX: prefix, DEMO: 'on' },
      120_000,
      { bundle: true },
    );
    const { json: status } = await getJson(pod.url, '/api/cache/status');
    expect(status.mode).toBe('redis');
    expect(status.generation).toBeGreaterThan(0);
    // A write goes through to Redis with the apply script, then a refresh switches in a new generation.
    const written = await post(pod.url, '/api/cache/incremental-update', { ...UPDATE, tenantName: 'Bundle' });
    expect(written.status).toBe(200);
    const refreshed = await post(pod.url, '/api/cache/refresh', {});
    expect(refreshed.json).toMatchObject({ started: true, generation: Number(status.generation) + 1 });
    const after = await getJson(pod.url, '/api/cache/status');
    expect(after.json).toMatchObject({ mode: 'redis', entityCount: Number(status.entityCount) + 1 });
  });
});
