/**
 * Redis memory of the cache layout: `used_memory` per entity, the peak while a refresh
 * holds two generations, and the supported dataset size under a 512 Mi Redis limit, with
 * `hash-max-listpack-value` 256 (as the shipped Redis sets it: docker-compose.yml,
 * k8s/redis.yaml) and 64 (Redis' default, the baseline: a bucket holding one value above it
 * is stored as a hashtable, about 60% larger) in the same run. Writes through RedisStore
 * (the code pods run) into a dedicated redis-server per setting (`--save ""
 * --appendonly no`, nothing persisted). Part of `pnpm bench`; alone:
 *
 *   cd server && npx tsx bench/redis-memory.bench.ts [sizes=100000,1000000] [listpackValues=256,64]
 *
 * `quick`: 20,000 entities. Entity names look like a warehouse's
 * (`fct_marketing_attribution_123456`, 12–35 characters).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../test/support/redis-server.js';
import { RedisStore } from '../src/cache/redis/store.js';
import type { EntityState } from '../src/domain/entity.js';
import { isEntry, mdTable } from './util.js';

const LIMIT = 512 * 1024 * 1024;
/** Left free under the limit: allocator fragmentation, client buffers, the change tail. */
const HEADROOM = 0.1;
const CHUNK = 10_000;

const T0 = Date.UTC(2026, 0, 1);
const PREFIXES = ['stg', 'fct', 'dim', 'int'];
const SUBJECTS = [
  'orders',
  'customers',
  'sessions',
  'payments_history',
  'marketing_attribution',
  'events',
  'inventory_snapshot',
];

/** Entities with warehouse-like names and real-looking times. */
function entityAt(g: number, version: number): EntityState {
  const observedAt = T0 + g * 37;
  return {
    id: g,
    tenantName: `tenant-${g % 3}`,
    teamName: `team-${g % 12}`,
    entityType: g % 4 === 0 ? 'job' : 'table',
    entityName: `${PREFIXES[g % 4]}_${SUBJECTS[g % 7]}_${g}`,
    slaTarget: 99,
    currentSla: 90 + (g % 1000) / 100,
    status: g % 10 === 0 ? 'Failed' : 'Passed',
    statusSince: observedAt - (g % 86_400) * 1000,
    observedAt,
    updatedAt: observedAt + 12,
    version,
  };
}

async function usedMemory(r: Redis): Promise<{ used: number; peak: number }> {
  const info = await r.info('memory');
  const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { used: get('used_memory'), peak: get('used_memory_peak') };
}

async function startServer(port: number, listpackValue: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--hash-max-listpack-value', String(listpackValue)], {
    stdio: 'ignore',
  });
  // Until the server listens: one fresh connection attempt every 50 ms, for up to 10 s.
  for (let i = 0; i < 200; i++) {
    const probe = new Redis(port, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer within 10 s`);
}

async function writeGeneration(store: RedisStore, generation: number, n: number, version: number): Promise<void> {
  await store.beginGeneration(generation, 0);
  for (let from = 1; from <= n; from += CHUNK) {
    const rows: EntityState[] = [];
    for (let g = from; g < Math.min(from + CHUNK, n + 1); g++) rows.push(entityAt(g, version));
    await store.writeSnapshot(generation, rows);
  }
}

/** How the buckets of the current generation are encoded, from a sample of up to 200. */
async function bucketEncodings(r: Redis): Promise<string> {
  const [, keys] = await r.scan('0', 'MATCH', 'sla:{b*', 'COUNT', 2_000);
  const tally = new Map<string, number>();
  for (const k of keys.slice(0, 200)) {
    const e = String(await r.object('ENCODING', k));
    tally.set(e, (tally.get(e) ?? 0) + 1);
  }
  return [...tally].map(([e, c]) => `${c} ${e}`).join(', ') || 'none sampled';
}

type Row = {
  listpackValue: number;
  entities: number;
  oneGenerationMB: number;
  bytesPerEntity: number;
  twoGenerationsMB: number;
  peakBytesPerEntity: number;
  buckets: string;
  supportedEntities: number;
  writeS: number;
  refreshS: number;
};

const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

/** One size on one server: a first generation, then a refresh writing the second. */
async function measure(redis: Redis, n: number, listpackValue: number): Promise<Row> {
  await redis.flushall();
  await redis.config('RESETSTAT');
  const empty = (await usedMemory(redis)).used;
  const store = new RedisStore(redis, 'sla:');
  const meta = (generation: number) => ({
    generation,
    appliedChangeId: 0,
    entityCount: n,
    teamCount: 36,
    builtAt: Date.now(),
    builtBy: 'bench',
    durationMs: 0,
  });
  let started = performance.now();
  await writeGeneration(store, 1, n, 1);
  if ((await store.switchGeneration(meta(1), null)) !== 'switched') throw new Error('switch failed');
  const firstMs = performance.now() - started;
  const one = (await usedMemory(redis)).used - empty;
  // A refresh: the second generation is written while the first is current.
  started = performance.now();
  await writeGeneration(store, 2, n, 2);
  const two = (await usedMemory(redis)).used - empty;
  if ((await store.switchGeneration(meta(2), null)) !== 'switched') throw new Error('switch failed');
  const refreshMs = performance.now() - started;
  const after = await usedMemory(redis);
  const peakPerEntity = Math.max(two, after.peak - empty) / n;
  const row = {
    listpackValue,
    entities: n,
    oneGenerationMB: mib(one),
    bytesPerEntity: Math.round((one / n) * 10) / 10,
    twoGenerationsMB: mib(two),
    peakBytesPerEntity: Math.round(peakPerEntity * 10) / 10,
    buckets: await bucketEncodings(redis),
    supportedEntities: Math.floor((LIMIT * (1 - HEADROOM)) / peakPerEntity),
    writeS: Math.round(firstMs / 100) / 10,
    refreshS: Math.round(refreshMs / 100) / 10,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** Runs the bench; `quick`: 20,000 entities. */
export async function run(opts: { quick?: boolean; sizes?: number[]; listpackValues?: number[] } = {}) {
  const sizes =
    opts.sizes ?? (process.env.BENCH_SIZES ?? (opts.quick ? '20000' : '100000,1000000')).split(',').map(Number);
  const settings = opts.listpackValues ?? [256, 64];
  const rows: Row[] = [];
  for (const listpackValue of settings) {
    const port = await freePort();
    const server = await startServer(port, listpackValue);
    const redis = new Redis(port);
    try {
      for (const n of sizes) rows.push(await measure(redis, n, listpackValue));
    } finally {
      redis.disconnect();
      server.kill('SIGTERM');
    }
  }
  const fmt = (x: number) => x.toLocaleString('en-US');
  const ratioToBaseline = (r: Row) => {
    const b = rows.find((x) => x.listpackValue === 64 && x.entities === r.entities);
    return b && b !== r ? `${(r.bytesPerEntity / b.bytesPerEntity).toFixed(2)}×` : '';
  };
  const table = mdTable(
    [
      '`hash-max-listpack-value`',
      'entities',
      'one generation',
      'two generations (refresh peak)',
      'buckets (sample)',
      'supported under 512 Mi (two generations, 10% headroom)',
      'B/entity ÷ baseline',
    ],
    rows.map((r) => [
      r.listpackValue === 256
        ? '256 (shipped)'
        : r.listpackValue === 64
          ? '64 (Redis default, baseline)'
          : r.listpackValue,
      fmt(r.entities),
      `${r.oneGenerationMB} MB = **${r.bytesPerEntity} B/entity**`,
      `${r.twoGenerationsMB} MB = ${r.peakBytesPerEntity} B/entity`,
      r.buckets,
      `≈ ${fmt(Math.round(r.supportedEntities / 10_000) * 10_000)} entities`,
      ratioToBaseline(r),
    ]),
  );
  return { rows, table };
}

if (isEntry(import.meta.url)) {
  const sizes = process.argv[2]?.split(',').map(Number);
  const listpackValues = process.argv[3]?.split(',').map(Number);
  const result = await run({ sizes, listpackValues });
  console.log(result.table);
  process.exit(0);
}
