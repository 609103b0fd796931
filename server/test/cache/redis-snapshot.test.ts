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
    // The server's own CPU time: wall time depends on whatever else shares the machine.
    const redisCpuMs = async () => {
      const info = await redis.info('cpu');
      const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (field('used_cpu_user_main_thread') + field('used_cpu_sys_main_thread')) * 1000;
    };
    try {
      await store.beginGeneration(1, 0);
      const redisBefore = await redisCpuMs();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      // As a refresh does it: one call per batch read from PostgreSQL.
      for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const nodeMs = (cpu.user + cpu.system) / 1000;
      const redisMs = (await redisCpuMs()) - redisBefore;
      const rate = Math.round((n / ms) * 1000);
      console.info(
        `writeSnapshot: ${n} entities in ${ms.toFixed(0)} ms = ${rate} entities/s ` +
          `(CPU: node ${nodeMs.toFixed(0)} ms, redis ${redisMs.toFixed(0)} ms)`,
      );
      expect(await store.switchGeneration(metaFor(1, 0), null)).toBe('switched');
      expect(await store.counts()).toEqual({ entities: n, teams: 500 });
      // Only a floor far below an idle machine's rate: this file shares the CPUs with others.
      expect(rate).toBeGreaterThan(10_000);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
