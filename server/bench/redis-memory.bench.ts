/**
 * Redis memory of the cache layout: `used_memory` per entity at 100,000 and 1,000,000
 * entities, the peak while a refresh holds two generations, and the supported dataset
 * size under a 512 Mi Redis limit. Writes through RedisStore (the code pods run) into a
 * dedicated redis-server it starts (`--save "" --appendonly no`, nothing persisted).
 *
 *   cd server && npx tsx bench/redis-memory.bench.ts [port=6391] [sizes=100000,1000000] [listpackValue=256]
 *
 * Entity names look like a warehouse's (`fct_marketing_attribution_123456`, 12–35
 * characters). `listpackValue` is the server's `hash-max-listpack-value`: 256 as the
 * shipped Redis (docker-compose.yml, k8s/redis.yaml) sets it, 64 as Redis' default (a
 * bucket holding one value above it is stored as a hashtable, about 60% larger).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { RedisStore } from '../src/cache/redis/store.js';
import type { EntityState } from '../src/domain/entity.js';

const port = Number(process.argv[2] ?? 6391);
const sizes = (process.argv[3] ?? '100000,1000000').split(',').map(Number);
const listpackValue = Number(process.argv[4] ?? 256);
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

async function startServer(): Promise<ChildProcess> {
  const args = ['--port', String(port), '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--hash-max-listpack-value', String(listpackValue)], {
    stdio: 'ignore',
  });
  const probe = new Redis(port, { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
  await probe.connect();
  await probe.ping();
  probe.disconnect();
  return child;
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

const server = await startServer();
const redis = new Redis(port);
try {
  for (const n of sizes) {
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
    const counts = await store.counts();
    const encodings = await bucketEncodings(redis);
    const peak = after.peak - empty;
    const perEntity = one / n;
    const peakPerEntity = Math.max(two, peak) / n;
    const supported = Math.floor((LIMIT * (1 - HEADROOM)) / peakPerEntity);
    console.log(
      [
        `${n.toLocaleString()} entities (${counts.entities.toLocaleString()} stored):`,
        `  one generation: used_memory ${(one / 1024 / 1024).toFixed(1)} MB = ${perEntity.toFixed(1)} B/entity (written in ${(firstMs / 1000).toFixed(1)} s)`,
        `  refresh, two generations: ${(two / 1024 / 1024).toFixed(1)} MB; used_memory_peak ${(peak / 1024 / 1024).toFixed(1)} MB = ${peakPerEntity.toFixed(1)} B/entity (refresh written in ${(refreshMs / 1000).toFixed(1)} s)`,
        `  buckets (hash-max-listpack-value ${listpackValue}): ${encodings}`,
        `  after the switch: ${((after.used - empty) / 1024 / 1024).toFixed(1)} MB`,
        `  supported under 512 Mi with ${HEADROOM * 100}% headroom, two generations: ${supported.toLocaleString()} entities`,
      ].join('\n'),
    );
  }
} finally {
  redis.disconnect();
  server.kill('SIGTERM');
}
