import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { uniquePrefix } from '../support/ids.js';
import { startRedisServer, type TestRedisServer } from '../support/redis-server.js';
import { connect } from './redis-helpers.js';
import { entity, metaFor } from './store.contract.js';

describe('redis snapshot write rate', () => {
  let server: TestRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('writes a 200,000-entity snapshot in batches, as a refresh does (prints the rate)', async () => {
    const redis = await connect(server.url);
    const store = new RedisStore(redis, uniquePrefix('throughput'));
    const n = 200_000;
    const rows = Array.from({ length: n }, (_, i) =>
      entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }),
    );
    try {
      await store.beginGeneration(1, 0);
      const started = performance.now();
      // As a refresh does it: one call per batch read from PostgreSQL.
      for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
      const seconds = (performance.now() - started) / 1000;
      const rate = Math.round(n / seconds);
      console.info(`writeSnapshot: ${n} entities in ${seconds.toFixed(2)} s = ${rate} entities/s`);
      expect(await store.switchGeneration(metaFor(1, 0), null)).toBe('switched');
      expect(await store.counts()).toEqual({ entities: n, teams: 10_000 / 20 });
      // Only a floor far below an idle machine's rate: this file shares the CPUs with others.
      expect(rate).toBeGreaterThan(10_000);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
