/**
 * Pod start to ready with N entities, from Redis and from PostgreSQL, in the same run:
 * `cd server && npx tsx bench/start.bench.ts` (BENCH_ENTITIES, default 1,000,000;
 * BENCH_ROUNDS, default 2). Each round starts the production bundle twice on the same data:
 * once with a Redis that holds a current generation (the view loads from Redis), once
 * without REDIS_URL (the view loads from a PostgreSQL snapshot); the time is from spawn to
 * `/api/health/ready` answering 200.
 */
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';

const n = Number(process.env.BENCH_ENTITIES ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const schema = uniqueSchema('bench_start');
const prefix = uniquePrefix('benchstart');
await migratedSchema(schema);
await seedEntities(schema, n);
const redis = await startRedisServer();
const base = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info', REDIS_KEY_PREFIX: prefix };

/** Milliseconds from spawn to ready, and where the view came from (the pod's own log line). */
async function timedStart(env: Record<string, string>): Promise<{ ms: number; source: string }> {
  const started = performance.now();
  const pod = await spawnPod({ ...base, ...env }, 600_000, { bundle: true });
  const ms = performance.now() - started;
  const source = /"source":"(\w+)"/.exec(pod.stdout())?.[1] ?? '?';
  pod.kill('SIGTERM');
  await pod.exited;
  return { ms, source };
}

// The first pod builds the Redis cache (a full refresh) and is not timed.
await timedStart({ REDIS_URL: redis.url });
const fromRedis: number[] = [];
const fromPostgres: number[] = [];
for (let i = 0; i < rounds; i++) {
  const r = await timedStart({ REDIS_URL: redis.url });
  const p = await timedStart({ REDIS_URL: '' });
  if (r.source !== 'redis' || p.source !== 'postgres') throw new Error(`unexpected sources: ${r.source}, ${p.source}`);
  fromRedis.push(r.ms);
  fromPostgres.push(p.ms);
  console.log(`round ${i + 1}: from redis ${(r.ms / 1000).toFixed(2)} s, from postgres ${(p.ms / 1000).toFixed(2)} s`);
}
const best = (xs: number[]) => Math.min(...xs) / 1000;
console.log(
  `start to ready, ${n.toLocaleString()} entities (best of ${rounds}): from redis ${best(fromRedis).toFixed(2)} s, ` +
    `from postgres ${best(fromPostgres).toFixed(2)} s, ratio redis/postgres ${(best(fromRedis) / best(fromPostgres)).toFixed(2)}`,
);
await redis.close();
await dropSchema(schema);
process.exit(0);
