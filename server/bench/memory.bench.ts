/**
 * Memory-mode RSS of a pod holding N entities (no Redis), and Redis `used_memory` for the
 * same dataset through a real refresh, per size. The baseline is the same pod's RSS with
 * the smallest dataset (mostly the process itself). Part of `pnpm bench`; alone:
 *
 *   cd server && npx tsx bench/memory.bench.ts      # sizes 10,000 and 100,000 (quick: 10,000)
 */
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { isEntry, mdTable, procBytes, redisMemory } from './util.js';

type Row = { entities: number; rssMB: number; peakRssMB: number; redisUsedMB: number; redisPeakMB: number };

async function measure(n: number, reads: number): Promise<Row> {
  const schema = uniqueSchema('bench_mem');
  try {
    await migratedSchema(schema);
    await seedEntities(schema, n);
    const pod = await spawnPod({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' }, 300_000, {
      bundle: true,
    });
    const pid = pod.child.pid ?? 0;
    let rss = 0;
    let peak = 0;
    try {
      for (let i = 0; i < reads; i++) await (await fetch(`${pod.url}/trpc/entities.summary`)).arrayBuffer();
      await new Promise((r) => setTimeout(r, 1_000));
      rss = procBytes(pid, 'VmRSS');
      peak = procBytes(pid, 'VmHWM');
    } finally {
      pod.kill('SIGTERM');
      await pod.exited;
    }
    // Redis memory for the same dataset, through a real refresh (the pod's first generation).
    const redis = await startRedisServer();
    try {
      const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn', REDIS_URL: redis.url };
      const withRedis = await spawnPod({ ...env, REDIS_KEY_PREFIX: uniquePrefix('mem') }, 300_000, { bundle: true });
      withRedis.kill('SIGTERM');
      await withRedis.exited;
      const m = await redisMemory(redis.url);
      const row = {
        entities: n,
        rssMB: Math.round(rss / 2 ** 20),
        peakRssMB: Math.round(peak / 2 ** 20),
        redisUsedMB: Math.round((m.used / 2 ** 20) * 10) / 10,
        redisPeakMB: Math.round((m.peak / 2 ** 20) * 10) / 10,
      };
      console.log(JSON.stringify(row));
      return row;
    } finally {
      await redis.close();
    }
  } finally {
    await dropSchema(schema);
  }
}

/** Runs the bench; `quick`: 10,000 entities only and 50 reads. */
export async function run(opts: { quick?: boolean } = {}) {
  const sizes = (process.env.BENCH_SIZES ?? (opts.quick ? '10000' : '10000,100000')).split(',').map(Number);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(n, opts.quick ? 50 : 200));
  const base = rows[0] as Row;
  const table = mdTable(
    [
      'dataset',
      'pod RSS, memory mode',
      'peak RSS',
      `RSS above the ${base.entities.toLocaleString('en-US')}-entity pod`,
      'Redis used_memory / peak',
    ],
    rows.map((r) => [
      `${r.entities.toLocaleString('en-US')} entities`,
      `${r.rssMB} MB`,
      `${r.peakRssMB} MB`,
      r === base ? '(baseline)' : `${r.rssMB - base.rssMB} MB`,
      `${r.redisUsedMB} MB / ${r.redisPeakMB} MB`,
    ]),
  );
  return { rows, table };
}

if (isEntry(import.meta.url)) {
  const result = await run();
  console.log(result.table);
  process.exit(0);
}
