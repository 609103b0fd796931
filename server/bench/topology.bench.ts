/**
 * The product on a 3-master / 3-replica Redis Cluster against a single Redis (the
 * baseline), same run. For each topology one production-bundle pod on the same PostgreSQL
 * data: a full refresh (`POST /api/cache/refresh`, the server's own duration, best of 2),
 * single-update ingest throughput (autocannon, 16 keep-alive connections, one request in
 * flight each) and `used_memory` of each master after the refresh. Failover recovery times
 * are printed by the topology tests (`npx vitest run --project topology`). Part of
 * `pnpm bench`; alone:
 *
 *   cd server && node scripts/build.mjs && npx tsx bench/topology.bench.ts
 *   # BENCH_ENTITIES (default 1,000,000; quick 20,000), BENCH_INGEST_SECONDS (default 10; quick 2)
 */
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { startRedisCluster } from '../../test/support/redis-cluster.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, post, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { isEntry, mdTable } from './util.js';

type Side = { refreshS: number; ingestPerS: number; p99Ms: number; errors: number; memoryMB: number[] };

async function usedMemory(port: number): Promise<number> {
  const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await node.connect();
  const info = await node.info('memory');
  node.disconnect();
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** `seconds` of single updates from 16 connections; each request a different entity of 5,000. */
async function ingest(url: string, seconds: number) {
  let seq = 0;
  const r = await autocannon({
    url: `${url}/api/cache/incremental-update`,
    connections: 16,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const i = seq++;
          const body = JSON.stringify({
            tenantName: 'Bench',
            teamName: `team-${i % 10}`,
            entityType: 'job',
            entityName: `job_${i % 5000}`,
            currentSla: (i % 1000) / 10,
            status: 'Passed',
          });
          return { ...req, body };
        },
      },
    ],
  });
  return { perS: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

async function measure(
  name: string,
  env: Record<string, string>,
  masters: () => Promise<number[]>,
  o: { schema: string; n: number; seconds: number },
): Promise<Side> {
  const pod = await spawnPod(
    {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: o.schema,
      REDIS_KEY_PREFIX: uniquePrefix(`bench${name}`),
      LOG_LEVEL: 'warn',
      ...env,
    },
    600_000,
    { bundle: true },
  );
  try {
    const refreshMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await post(pod.url, '/api/cache/refresh', {});
      const json = r.json as { started: boolean; durationMs: number | null; entityCount: number | null };
      if (r.status !== 200 || !json.started || (json.entityCount ?? 0) < o.n)
        throw new Error(`refresh: ${JSON.stringify(json)}`);
      refreshMs.push(json.durationMs ?? 0);
    }
    const memory = await Promise.all((await masters()).map(usedMemory));
    const load = await ingest(pod.url, o.seconds);
    if (load.errors > 0) throw new Error(`${name}: ${load.errors} ingest errors`);
    const side = {
      refreshS: Math.min(...refreshMs) / 1000,
      ingestPerS: Math.round(load.perS),
      p99Ms: load.p99,
      errors: load.errors,
      memoryMB: memory.map((b) => Math.round((b / 2 ** 20) * 10) / 10),
    };
    console.log(JSON.stringify({ [name]: side }));
    return side;
  } finally {
    pod.kill('SIGTERM');
    await pod.exited;
  }
}

/** Runs the bench; `quick`: 20,000 entities, 2 s of ingest. */
export async function run(opts: { quick?: boolean } = {}) {
  const n = Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 20_000 : 1_000_000));
  const seconds = Number(process.env.BENCH_INGEST_SECONDS ?? (opts.quick ? 2 : 10));
  const schema = uniqueSchema('bench_topology');
  const single = await startRedisServer();
  const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  try {
    await migratedSchema(schema);
    await seedEntities(schema, n);
    const o = { schema, n, seconds };
    const s = await measure('single', { REDIS_URL: single.url }, async () => [single.port], o);
    const nodes = cluster.startupNodes.map((x) => `${x.host}:${x.port}`).join(',');
    const masters = async () => (await cluster.masters()).map((m) => m.port);
    const c = await measure('cluster', { REDIS_CLUSTER_NODES: nodes }, masters, o);
    const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(2)}×` : '–');
    const row = (label: string, x: Side) => [
      label,
      `${x.refreshS.toFixed(2)} s`,
      `${x.ingestPerS.toLocaleString('en-US')}/s`,
      `${x.p99Ms} ms`,
      x.memoryMB.map((m) => `${m} MB`).join(', '),
    ];
    const table = [
      `${n.toLocaleString('en-US')} entities; ingest ${seconds} s per topology.`,
      '',
      mdTable(
        ['Redis', 'full refresh (best of 2)', 'single-update ingest', 'ingest p99', 'used_memory per master'],
        [
          row('single (baseline)', s),
          row('cluster, 3 masters + 3 replicas', c),
          [
            'ratio cluster ÷ single',
            ratio(c.refreshS, s.refreshS),
            ratio(c.ingestPerS, s.ingestPerS),
            ratio(c.p99Ms, s.p99Ms),
            '',
          ],
        ],
      ),
    ].join('\n');
    return { entities: n, ingestSeconds: seconds, single: s, cluster: c, table };
  } finally {
    await cluster.close();
    await single.close();
    await dropSchema(schema);
  }
}

if (isEntry(import.meta.url)) {
  const result = await run();
  console.log(result.table);
  process.exit(0);
}
