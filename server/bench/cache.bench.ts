/**
 * Cache benchmark: full refresh PostgreSQL → Redis against a C-tools baseline (psql piped
 * into redis-cli --pipe) in the same run, peak RSS of the refreshing pod, Redis memory, and
 * the hit rate under the dashboard's read mix. Part of `pnpm bench`; alone:
 *
 *   cd server && npx tsx bench/cache.bench.ts [entities=1000000]
 *
 * `quick`: 20,000 entities and 100 hit-rate reads (instead of 1,000,000 and 500).
 */
import { execSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { isEntry, mb, mdTable, procBytes, redisMemory } from './util.js';

/** Milliseconds for the C-tools baseline: every row as JSON from psql into one hash through `redis-cli --pipe`. */
function baseline(schema: string, port: number): number {
  // One HSET per row with the row as JSON, in the Redis protocol, straight from PostgreSQL.
  const sql = `SELECT '*4' || E'\\r\\n$4\\r\\nHSET\\r\\n$14\\r\\nbench:baseline\\r\\n$' || octet_length(id::text) || E'\\r\\n' || id
      || E'\\r\\n$' || octet_length(j) || E'\\r\\n' || j || E'\\r'
    FROM (SELECT id, row_to_json(e)::text AS j FROM "${schema}".sla_entity e) x`;
  const file = join(tmpdir(), `baseline-${process.pid}.sql`);
  writeFileSync(file, sql);
  const started = Date.now();
  try {
    execSync(`psql "${PG_URL}" -At -f ${file} | redis-cli -p ${port} --pipe > /dev/null`, { shell: '/bin/bash' });
    return Date.now() - started;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Dashboard reads at about 20/s until `stop()`: how many succeeded, failed, and the slowest (ms). */
async function readLoop(url: string, stop: () => boolean) {
  const paths = ['/trpc/entities.summary', '/trpc/entities.list?input=%7B%22limit%22%3A50%7D', '/api/cache/status'];
  let ok = 0;
  let failed = 0;
  let slowest = 0;
  for (let i = 0; !stop(); i++) {
    const t = Date.now();
    const res = await fetch(`${url}${paths[i % paths.length]}`).catch(() => null);
    if (res?.ok) ok++;
    else failed++;
    await res?.arrayBuffer();
    slowest = Math.max(slowest, Date.now() - t);
    // A dashboard's pace (about 20 reads/s), not a flood competing with the refresh for the CPU.
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ok, failed, slowest };
}

/** Runs the bench; `quick`: a small dataset. Returns the figures and a Markdown table. */
export async function run(opts: { quick?: boolean; entities?: number } = {}) {
  const N = opts.entities ?? Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 20_000 : 1_000_000));
  const hitReads = opts.quick ? 100 : 500;
  const redis = await startRedisServer();
  const schema = uniqueSchema('bench_cache');
  const prefix = uniquePrefix('bench');
  console.log(`# cache benchmark, ${N.toLocaleString()} entities, ${new Date().toISOString()}`);
  try {
    await migratedSchema(schema);
    const t = Date.now();
    await seedEntities(schema, N);
    console.log(`seeded PostgreSQL in ${Date.now() - t} ms`);

    const baselineMs = baseline(schema, redis.port);
    const r0 = new Redis(redis.url);
    const baselineRows = await r0.hlen('bench:baseline');
    const baseMem = await redisMemory(redis.url);
    await r0.del('bench:baseline');
    r0.disconnect();
    console.log(`baseline psql | redis-cli --pipe: ${baselineMs} ms (${baselineRows.toLocaleString()} rows)`);

    const pod = await spawnPod(
      {
        DATABASE_URL: PG_URL,
        DATABASE_SCHEMA: schema,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      600_000,
      { bundle: true },
    );
    try {
      const pid = pod.child.pid ?? 0;
      let done = false;
      const reading = readLoop(pod.url, () => done);
      const res = await fetch(`${pod.url}/api/cache/refresh`, { method: 'POST' });
      const refresh = (await res.json()) as { started: boolean; durationMs: number; entityCount: number };
      done = true;
      const reads = await reading;
      if (!refresh.started || refresh.entityCount < N) throw new Error(`refresh: ${JSON.stringify(refresh)}`);
      const peakRssBytes = procBytes(pid, 'VmHWM');
      const mem = await redisMemory(redis.url);
      const hitRate = await hitRateOf(pod.url, hitReads);
      const figures = {
        entities: N,
        baselineMs,
        refreshMs: refresh.durationMs,
        ratio: Math.round((refresh.durationMs / baselineMs) * 100) / 100,
        peakRssMB: Math.round(peakRssBytes / 2 ** 20),
        reads,
        redisUsedMB: Math.round(mem.used / 2 ** 20),
        redisPeakMB: Math.round(mem.peak / 2 ** 20),
        baselineRedisMB: Math.round(baseMem.used / 2 ** 20),
        hitRate,
      };
      console.log(JSON.stringify(figures));
      return { ...figures, table: table(figures, peakRssBytes, mem.used, baseMem.used) };
    } finally {
      pod.kill('SIGTERM');
      await pod.exited;
    }
  } finally {
    await redis.close();
    await dropSchema(schema);
  }
}

/**
 * Hit rate (%) over `count` reads of the dashboard's mix, from the pod's own counter in
 * /metrics (`/api/cache/status` shows it too, but is itself a cached hot read: its bytes may
 * be up to a second old).
 */
async function hitRateOf(url: string, count: number) {
  const status = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const get = (r: string) =>
      Number(new RegExp(`^sla_cache_reads_total\\{[^}]*result="${r}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { hits: get('hit'), misses: get('miss') };
  };
  const before = await status();
  const mix = [
    '/trpc/entities.summary',
    '/trpc/entities.list?input=%7B%22limit%22%3A50%2C%22tenantName%22%3A%22Bulk%22%7D',
    '/trpc/entities.facets',
    '/api/cache/recent-changes?limit=50',
    '/api/cache/recent-changes?tenantName=Bulk&limit=20',
  ];
  for (let i = 0; i < count; i++) await (await fetch(`${url}${mix[i % mix.length]}`)).arrayBuffer();
  const after = await status();
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return { reads: count, hits, misses, percent: Math.round((1000 * hits) / Math.max(1, hits + misses)) / 10 };
}

type Figures = {
  entities: number;
  baselineMs: number;
  refreshMs: number;
  ratio: number;
  reads: { ok: number; failed: number; slowest: number };
  hitRate: { reads: number; hits: number; misses: number; percent: number };
};

function table(f: Figures, peakRss: number, redisUsed: number, baselineRedis: number): string {
  const r = f.reads;
  return mdTable(
    [
      'entities',
      'baseline (psql → redis-cli)',
      'refresh',
      'ratio (≤ 1.5×)',
      'pod peak RSS',
      'reads during refresh',
      'Redis used_memory (baseline JSON hash)',
      'hit rate',
    ],
    [
      [
        f.entities.toLocaleString('en-US'),
        `${(f.baselineMs / 1000).toFixed(1)} s`,
        `${(f.refreshMs / 1000).toFixed(1)} s`,
        `**${f.ratio.toFixed(2)}×**`,
        mb(peakRss),
        `${r.ok} ok, ${r.failed} failed, slowest ${r.slowest} ms`,
        `${mb(redisUsed)} (${mb(baselineRedis)})`,
        `${f.hitRate.percent}% of ${f.hitRate.reads} (${f.hitRate.hits} hits, ${f.hitRate.misses} misses)`,
      ],
    ],
  );
}

if (isEntry(import.meta.url)) {
  const result = await run({ entities: process.argv[2] ? Number(process.argv[2]) : undefined });
  console.log(result.table);
  process.exit(0);
}
