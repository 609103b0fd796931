import { Redis } from 'ioredis';
import { encodeEntity } from '../../src/cache/codec.js';
import { encodeRows } from '../../src/cache/redis-commands.js';
import { RedisStore } from '../../src/cache/redis-store.js';
import { startRedisServer } from '../support/redis-server.js';
import { entity } from './store.contract.js';

const own = await startRedisServer();
const redis = new Redis(own.url);
const n = Number(process.argv[2] ?? 200_000);
const rows = Array.from({ length: n }, (_, i) =>
  entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }),
);
const usec = async () => {
  const s = await redis.info('commandstats');
  let total = 0;
  for (const m of s.matchAll(/cmdstat_(\w+):calls=\d+,usec=(\d+)/g))
    if (m[1] !== 'info' && m[1] !== 'config') total += Number(m[2]);
  await redis.config('RESETSTAT');
  return total / 1000;
};
let t = performance.now();
for (let i = 0; i < n; i += 1000) encodeRows(rows.slice(i, i + 1000));
console.log(`encodeRows only: ${(performance.now() - t).toFixed(0)} ms`);
for (let round = 0; round < 3; round++) {
  await redis.flushall();
  await usec();
  t = performance.now();
  for (let i = 0; i < n; i += 10_000) {
    const ps: Promise<unknown>[] = [];
    for (let j = i; j < i + 10_000; j += 1000) {
      const args: string[] = [];
      for (const e of rows.slice(j, j + 1000)) args.push(String(e.id), encodeEntity(e));
      ps.push(redis.hset('plain', ...args));
    }
    await Promise.all(ps);
  }
  let wall = performance.now() - t;
  console.log(
    `plain HSET:    ${wall.toFixed(0)} ms wall, ${(await usec()).toFixed(0)} ms redis, ${Math.round((n / wall) * 1000)}/s`,
  );
  await redis.flushall();
  await usec();
  const store = new RedisStore(redis, 'bench:');
  await store.beginGeneration(1, 0);
  t = performance.now();
  for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
  wall = performance.now() - t;
  console.log(
    `writeSnapshot: ${wall.toFixed(0)} ms wall, ${(await usec()).toFixed(0)} ms redis, ${Math.round((n / wall) * 1000)}/s`,
  );
}
redis.disconnect();
await own.close();
