/**
 * Memory-mode RSS of a pod holding N entities (no Redis): `cd server && npx tsx bench/memory.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const status = (pid: number, k: string) =>
  Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

for (const n of [10_000, 100_000]) {
  const schema = uniqueSchema('bench_mem');
  await migratedSchema(schema);
  await seedEntities(schema, n);
  const pod = await spawnPod({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' }, 300_000, {
    bundle: true,
  });
  for (let i = 0; i < 200; i++) await (await fetch(`${pod.url}/trpc/entities.summary`)).arrayBuffer();
  await new Promise((r) => setTimeout(r, 1_000));
  const pid = pod.child.pid ?? 0;
  console.log(
    `memory mode, ${n.toLocaleString()} entities: RSS ${mb(status(pid, 'VmRSS'))}, peak ${mb(status(pid, 'VmHWM'))}`,
  );
  pod.kill('SIGTERM');
  await pod.exited;
  // Redis memory for the same dataset, through a real refresh.
  const redis = await startRedisServer();
  const withRedis = await spawnPod(
    {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix('mem'),
    },
    300_000,
    { bundle: true },
  );
  const r = new Redis(redis.url);
  const info = await r.info('memory');
  r.disconnect();
  const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  console.log(
    `redis, ${n.toLocaleString()} entities: used_memory ${mb(get('used_memory'))}, used_memory_peak ${mb(get('used_memory_peak'))}`,
  );
  withRedis.kill('SIGTERM');
  await withRedis.exited;
  await redis.close();
  await dropSchema(schema);
}
process.exit(0);
