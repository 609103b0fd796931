/**
 * Cache benchmark: full refresh PostgreSQL → Redis against a C-tools baseline (psql piped
 * into redis-cli --pipe) in the same run, peak RSS of the refreshing pod, memory-mode RSS,
 * Redis memory per dataset size, and the hit rate under the dashboard's read mix.
 *
 *   cd server && npx tsx bench/cache.bench.ts [entities=1000000]
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';

const N = Number(process.argv[2] ?? 1_000_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function redisMemory(url: string) {
  const r = new Redis(url);
  const info = await r.info('memory');
  r.disconnect();
  const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { used: get('used_memory'), peak: get('used_memory_peak') };
}

function baseline(schema: string, port: number): number {
  // One HSET per row with the row as JSON, in the Redis protocol, straight from PostgreSQL.
  const sql = `SELECT '*4' || E'\\r\\n$4\\r\\nHSET\\r\\n$14\\r\\nbench:baseline\\r\\n$' || octet_length(id::text) || E'\\r\\n' || id
      || E'\\r\\n$' || octet_length(j) || E'\\r\\n' || j || E'\\r'
    FROM (SELECT id, row_to_json(e)::text AS j FROM "${schema}".sla_entity e) x`;
  const file = join(tmpdir(), `baseline-${process.pid}.sql`);
  writeFileSync(file, sql);
  const started = Date.now();
  execSync(`psql "${PG_URL}" -At -f ${file} | redis-cli -p ${port} --pipe > /dev/null`, { shell: '/bin/bash' });
  return Date.now() - started;
}

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

async function main() {
  const redis = await startRedisServer();
  const schema = uniqueSchema('bench_cache');
  const prefix = uniquePrefix('bench');
  console.log(`# cache benchmark, ${N.toLocaleString()} entities, ${new Date().toISOString()}`);
  await migratedSchema(schema);
  let t = Date.now();
  await seedEntities(schema, N);
  console.log(`seeded PostgreSQL in ${Date.now() - t} ms`);

  const baseMs = baseline(schema, redis.port);
  const r0 = new Redis(redis.url);
  console.log(
    `baseline psql | redis-cli --pipe: ${baseMs} ms (${(await r0.hlen('bench:baseline')).toLocaleString()} rows)`,
  );
  const baseMem = await redisMemory(redis.url);
  await r0.del('bench:baseline');
  r0.disconnect();

  t = Date.now();
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
  const pid = pod.child.pid ?? 0;
  console.log(`pod ready (view loaded, first refresh done) in ${Date.now() - t} ms; RSS ${mb(rss(pid))}`);
  let done = false;
  const reads = readLoop(pod.url, () => done);
  const res = await fetch(`${pod.url}/api/cache/refresh`, { method: 'POST' });
  const refresh = (await res.json()) as { started: boolean; durationMs: number; entityCount: number };
  done = true;
  const r = await reads;
  const ratio = refresh.durationMs / baseMs;
  console.log(
    `refresh: ${refresh.durationMs} ms for ${refresh.entityCount.toLocaleString()} entities = ${ratio.toFixed(2)}x baseline (target <= 1.5x)`,
  );
  console.log(`reads during refresh: ${r.ok} ok, ${r.failed} failed, slowest ${r.slowest} ms`);
  console.log(`refreshing pod peak RSS (view included): ${mb(peakRss(pid))} (target <= 400 MB)`);
  const mem = await redisMemory(redis.url);
  console.log(
    `redis used_memory ${mb(mem.used)}, used_memory_peak ${mb(mem.peak)} (baseline JSON encoding: ${mb(baseMem.used)})`,
  );

  // Hit rate under the dashboard's read mix.
  const before = (await (await fetch(`${pod.url}/api/cache/status`)).json()) as { hits: number; misses: number };
  const mix = [
    '/trpc/entities.summary',
    '/trpc/entities.list?input=%7B%22limit%22%3A50%2C%22tenantName%22%3A%22Bulk%22%7D',
    '/trpc/entities.facets',
    '/api/cache/recent-changes?limit=50',
    '/api/cache/recent-changes?tenantName=Bulk&limit=20',
  ];
  for (let i = 0; i < 500; i++) await (await fetch(`${pod.url}${mix[i % mix.length]}`)).arrayBuffer();
  const after = (await (await fetch(`${pod.url}/api/cache/status`)).json()) as { hits: number; misses: number };
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  console.log(
    `hit rate over 500 dashboard reads: ${((100 * hits) / (hits + misses)).toFixed(1)}% (${hits} hits, ${misses} misses)`,
  );
  pod.kill('SIGTERM');
  await pod.exited;
  await redis.close();
  await dropSchema(schema);
}

await main();
process.exit(0);
