/**
 * Pod start to ready with N entities, from Redis and from PostgreSQL (the baseline), in the
 * same run. Each round starts the production bundle twice on the same data: once with a
 * Redis that holds a current generation (the view loads from Redis), once without
 * REDIS_URL (the view loads from a PostgreSQL snapshot); the time is from spawn to
 * `/api/health/ready` answering 200. Part of `pnpm bench`; alone:
 *
 *   cd server && node scripts/build.mjs && npx tsx bench/start.bench.ts
 *   # BENCH_ENTITIES (default 1,000,000; quick 20,000), BENCH_ROUNDS (default 2; quick 1)
 */
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { isEntry, mdTable } from './util.js';

/** Milliseconds from spawn to ready, and where the view came from (the pod's own log line). */
async function timedStart(env: Record<string, string>): Promise<{ ms: number; source: string }> {
  const started = performance.now();
  const pod = await spawnPod(env, 600_000, { bundle: true });
  const ms = performance.now() - started;
  const source = /"source":"(\w+)"/.exec(pod.stdout())?.[1] ?? '?';
  pod.kill('SIGTERM');
  await pod.exited;
  return { ms, source };
}

/** Runs the bench; `quick`: 20,000 entities, one round. */
export async function run(opts: { quick?: boolean } = {}) {
  const n = Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 20_000 : 1_000_000));
  const rounds = Number(process.env.BENCH_ROUNDS ?? (opts.quick ? 1 : 2));
  const schema = uniqueSchema('bench_start');
  const redis = await startRedisServer();
  try {
    await migratedSchema(schema);
    await seedEntities(schema, n);
    const base = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info' };
    const env = { ...base, REDIS_KEY_PREFIX: uniquePrefix('benchstart') };
    // The first pod builds the Redis cache (a full refresh) and is not timed.
    await timedStart({ ...env, REDIS_URL: redis.url });
    const fromRedis: number[] = [];
    const fromPostgres: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await timedStart({ ...env, REDIS_URL: redis.url });
      const p = await timedStart({ ...env, REDIS_URL: '' });
      if (r.source !== 'redis' || p.source !== 'postgres')
        throw new Error(`unexpected sources: ${r.source}, ${p.source}`);
      fromRedis.push(r.ms / 1000);
      fromPostgres.push(p.ms / 1000);
      console.log(
        `round ${i + 1}: from redis ${(r.ms / 1000).toFixed(2)} s, from postgres ${(p.ms / 1000).toFixed(2)} s`,
      );
    }
    const bestRedis = Math.min(...fromRedis);
    const bestPostgres = Math.min(...fromPostgres);
    const ratio = Math.round((bestRedis / bestPostgres) * 100) / 100;
    const s = (x: number) => `${x.toFixed(2)} s`;
    const table = [
      `${n.toLocaleString('en-US')} entities, best of ${rounds}.`,
      '',
      mdTable(
        ['round', 'from Redis', 'from PostgreSQL (baseline)'],
        [
          ...fromRedis.map((r, i) => [i + 1, s(r), s(fromPostgres[i] ?? 0)]),
          ['**best**', `**${s(bestRedis)}**`, `**${s(bestPostgres)}** (ratio redis/postgres **${ratio.toFixed(2)}**)`],
        ],
      ),
    ].join('\n');
    return {
      entities: n,
      rounds,
      fromRedisS: fromRedis,
      fromPostgresS: fromPostgres,
      bestRedis,
      bestPostgres,
      ratio,
      table,
    };
  } finally {
    await redis.close();
    await dropSchema(schema);
  }
}

if (isEntry(import.meta.url)) {
  const result = await run();
  console.log(result.table);
  process.exit(0);
}
