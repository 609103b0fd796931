import { Redis } from 'ioredis';
import { RedisStore } from '../../src/cache/redis-store.js';
import { startRedisServer } from '../support/redis-server.js';
import { entity } from './store.contract.js';

const own = await startRedisServer();
const redis = new Redis(own.url);
const n = 200_000;
const rows = Array.from({ length: n }, (_, i) =>
  entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }),
);
for (let round = 0; round < 3; round++) {
  await redis.flushall();
  const store = new RedisStore(redis, 'bench:');
  await store.beginGeneration(1, 0);
  const t = performance.now();
  for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
  const wall = performance.now() - t;
  console.log(`writeSnapshot: ${wall.toFixed(0)} ms, ${Math.round((n / wall) * 1000)}/s`);
}
redis.disconnect();
await own.close();
