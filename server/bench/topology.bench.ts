/**
 * The product on a 3-master / 3-replica Redis Cluster against a single Redis, same run:
 * `cd server && node scripts/build.mjs && npx tsx bench/topology.bench.ts`
 * (BENCH_ENTITIES, default 1,000,000; BENCH_INGEST_SECONDS, default 10).
 * For each topology one production-bundle pod on the same PostgreSQL data: a full refresh
 * (`POST /api/cache/refresh`, the server's own duration, best of 2), single-update ingest
 * throughput (16 keep-alive clients, closed loop) and `used_memory` of each master after the
 * refresh. Failover recovery times are printed by the topology tests
 * (`npx vitest run --project topology`).
 */
import { Redis } from 'ioredis';
import { startRedisCluster } from '../../test/support/redis-cluster.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, post, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema, seedEntities } from '../test/support/seed.js';
import { closedLoop, fmt, keepAliveAgent, percentile, postJson } from './ingest-load.js';

const n = Number(process.env.BENCH_ENTITIES ?? 1_000_000);
const ingestSeconds = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const schema = uniqueSchema('bench_topology');
await migratedSchema(schema);
await seedEntities(schema, n);
const single = await startRedisServer();
const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });

async function usedMemory(port: number): Promise<number> {
  const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await node.connect();
  const info = await node.info('memory');
  node.disconnect();
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function measure(name: string, env: Record<string, string>, masters: () => Promise<number[]>) {
  const prefix = uniquePrefix(`bench${name}`);
  const pod = await spawnPod(
    { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', ...env },
    600_000,
    { bundle: true },
  );
  try {
    const refreshMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await post(pod.url, '/api/cache/refresh', {});
      const json = r.json as { started: boolean; durationMs: number | null; entityCount: number | null };
      if (r.status !== 200 || !json.started || (json.entityCount ?? 0) < n)
        throw new Error(`refresh: ${JSON.stringify(json)}`);
      refreshMs.push(json.durationMs ?? 0);
    }
    const memory = await Promise.all((await masters()).map(usedMemory));
    const agent = keepAliveAgent(16);
    let seq = 0;
    const loop = await closedLoop(16, ingestSeconds, () => {
      const i = seq++;
      const body = JSON.stringify({
        tenantName: 'Bench',
        teamName: `team-${i % 10}`,
        entityType: 'job',
        entityName: `job_${i % 5000}`,
        currentSla: (i % 1000) / 10,
        status: 'Passed',
      });
      return postJson(agent, `${pod.url}/api/cache/incremental-update`, body, {});
    });
    agent.destroy();
    if (loop.failed > 0) throw new Error(`ingest failures: ${loop.firstError}`);
    return {
      refreshS: Math.min(...refreshMs) / 1000,
      ingestPerS: loop.ok / loop.seconds,
      p99: percentile(loop.latenciesMs, 99),
      memory,
    };
  } finally {
    pod.kill('SIGTERM');
    await pod.exited;
  }
}

const s = await measure('single', { REDIS_URL: single.url }, async () => [single.port]);
const c = await measure(
  'cluster',
  { REDIS_CLUSTER_NODES: cluster.startupNodes.map((x) => `${x.host}:${x.port}`).join(',') },
  async () => (await cluster.masters()).map((m) => m.port),
);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`entities: ${n.toLocaleString()}`);
console.log(
  `full refresh (best of 2): single ${s.refreshS.toFixed(2)} s, cluster ${c.refreshS.toFixed(2)} s, ratio cluster/single ${(c.refreshS / s.refreshS).toFixed(2)}`,
);
console.log(
  `single-update ingest: single ${fmt(s.ingestPerS)}/s (p99 ${s.p99.toFixed(1)} ms), cluster ${fmt(c.ingestPerS)}/s (p99 ${c.p99.toFixed(1)} ms), ratio ${(c.ingestPerS / s.ingestPerS).toFixed(2)}`,
);
console.log(`used_memory: single ${mb(s.memory[0] ?? 0)}; cluster masters ${c.memory.map(mb).join(', ')}`);
await cluster.close();
await single.close();
await dropSchema(schema);
process.exit(0);
