/**
 * Ingest throughput and latency on real PostgreSQL and Redis, against pods running as
 * separate processes (as in production). Run: cd server && npx tsx bench/ingest.bench.ts
 * Knobs: BENCH_SECONDS (10), BENCH_CLIENTS (64), BENCH_BATCH_CLIENTS (4), BENCH_RATE (500),
 * BENCH_PROFILE=<dir> to write CPU profiles of the pods there.
 */
import { cpus } from 'node:os';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../src/router.js';
import { dropSchema, PG_URL, type PodProcess, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { batchUpserts, createBaselineTable, type Row, singleRowUpserts } from './ingest-baseline.js';
import { closedLoop, fmt, keepAliveAgent, openLoop, percentile, postJson } from './ingest-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const BATCH_CLIENTS = Number(process.env.BENCH_BATCH_CLIENTS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const TOKEN = 'bench-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const ENTITIES = 10_000;
const BATCH = 1_000;
const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;

const row = (i: number): Row => ({
  tenant: `tenant_${i % 10}`,
  team: `team_${i % 50}`,
  type: 'table',
  name: `bench_${i % ENTITIES}`,
  sla: ((i * 7919) % 10_000) / 100,
  status: STATUSES[i % 4] as string,
});
const update = (r: Row) => ({ tenantName: r.tenant, teamName: r.team, entityType: r.type, entityName: r.name, currentSla: r.sla, status: r.status });

const schema = uniqueSchema('bench_ingest');
const redis = await startRedisServer();
const prefix = uniquePrefix('bench');
const podEnv = (id: string) => ({
  DATABASE_URL: PG_URL,
  DATABASE_SCHEMA: schema,
  REDIS_URL: redis.url,
  REDIS_KEY_PREFIX: prefix,
  INGEST_TOKENS: TOKEN,
  INGEST_RATE_LIMIT: '0',
  NODE_ENV: 'production',
  SESSION_SECRET: 'b'.repeat(32),
  LOG_LEVEL: 'warn',
  POD_ID: id,
  ...(PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {}),
});
const pods: PodProcess[] = [];
const stopPods = async () => {
  for (const p of pods.splice(0)) {
    p.kill('SIGTERM');
    await p.exited;
  }
};

try {
  const a = await spawnPod(podEnv('bench-a'));
  pods.push(a);
  const agent = keepAliveAgent(CLIENTS);
  const one = `${a.url}/api/cache/incremental-update`;
  const many = `${a.url}/api/cache/incremental-updates`;
  let seq = 0;
  const sendOne = () => postJson(agent, one, JSON.stringify(update(row(seq++))), AUTH);

  // (a) single updates, closed loop over keep-alive connections.
  await closedLoop(CLIENTS, 2, sendOne); // warm-up: JIT, pool, caches
  const single = await closedLoop(CLIENTS, SECONDS, sendOne);
  const singleRate = single.ok / single.seconds;

  // (b) batches of 1,000 distinct entities.
  const bodies = Array.from({ length: 8 }, (_, k) =>
    JSON.stringify({ updates: Array.from({ length: BATCH }, (_, j) => update(row(k * BATCH + j))) }),
  );
  let b = 0;
  const sendMany = () => postJson(agent, many, bodies[b++ % bodies.length] as string, AUTH);
  await closedLoop(BATCH_CLIENTS, 2, sendMany);
  const batch = await closedLoop(BATCH_CLIENTS, SECONDS, sendMany);
  const batchRate = (batch.ok * BATCH) / batch.seconds;

  // (c) raw PostgreSQL upserts of the same volume into a table of the same shape.
  await createBaselineTable(PG_URL, schema);
  const baseSingle = await singleRowUpserts(PG_URL, schema, Math.max(1_000, single.ok), 10, row);
  const baseBatch = await batchUpserts(PG_URL, schema, Math.max(BATCH, batch.ok * BATCH), BATCH, BATCH_CLIENTS, row);

  // (d) fixed offered load on pod A; a WebSocket subscriber on pod B.
  const podB = await spawnPod(podEnv('bench-b'));
  pods.push(podB);
  const ws = createWSClient({ url: `${podB.url.replace('http', 'ws')}/trpc`, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const okAt = new Map<number, number>();
  const eventAt = new Map<number, number>();
  let started!: () => void;
  const ready = new Promise<void>((r) => {
    started = r;
  });
  const sub = client.cache.onChange.subscribe({}, {
    onStarted: () => started(),
    onData: ({ data }) => {
      if (data.entityName.startsWith('lat_')) eventAt.set(Number(data.entityName.slice(4)), performance.now());
    },
  });
  await ready;
  const requestMs: number[] = [];
  let latFailed = 0;
  await openLoop(RATE, SECONDS, async (n) => {
    const t = performance.now();
    const body = JSON.stringify({ ...update(row(n)), entityName: `lat_${n}` });
    const r = await postJson(agent, one, body, AUTH).catch(() => ({ status: 0, body: '' }));
    const done = performance.now();
    if (r.status !== 200) return void latFailed++;
    requestMs.push(done - t);
    okAt.set(n, done);
  });
  const deadline = Date.now() + 5_000;
  while (eventAt.size < okAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  sub.unsubscribe();
  await ws.close();
  const propagationMs = [...okAt].flatMap(([n, t]) => (eventAt.has(n) ? [Math.max(0, (eventAt.get(n) as number) - t)] : []));
  const missing = okAt.size - propagationMs.length;

  const cores = cpus().length;
  const lines = [
    `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; pods are separate processes; PostgreSQL, Redis and the load generator share the machine`,
    `(a) single-update REST ingest, ${CLIENTS} keep-alive clients, ${fmt(single.seconds, 1)} s: ${fmt(singleRate)} updates/s (target 2,000); p50 ${fmt(percentile(single.latenciesMs, 50), 1)} ms, p99 ${fmt(percentile(single.latenciesMs, 99), 1)} ms; failed ${single.failed}${single.firstError ? ` (${single.firstError})` : ''}`,
    `(b) batch REST ingest, ${BATCH} per request, ${BATCH_CLIENTS} clients, ${fmt(batch.seconds, 1)} s: ${fmt(batchRate)} entities/s (target 20,000); p50 ${fmt(percentile(batch.latenciesMs, 50))} ms per request; failed ${batch.failed}${batch.firstError ? ` (${batch.firstError})` : ''}`,
    `(c) raw PostgreSQL INSERT … ON CONFLICT, same volume: single rows (10 connections, autocommit) ${fmt(baseSingle.perSecond)} rows/s; ${BATCH}-row batches (${BATCH_CLIENTS} connections) ${fmt(baseBatch.perSecond)} rows/s`,
    `    ratio to baseline: single ${fmt(singleRate / baseSingle.perSecond, 2)}×, batch ${fmt(batchRate / baseBatch.perSecond, 2)}×`,
    `(d) ${RATE} updates/s offered to pod A for ${SECONDS} s (${okAt.size} ok, ${latFailed} failed): request→2xx p50 ${fmt(percentile(requestMs, 50), 1)} ms, p99 ${fmt(percentile(requestMs, 99), 1)} ms (target p99 ≤ 25)`,
    `    2xx on pod A → event at a WebSocket subscriber on pod B: p50 ${fmt(percentile(propagationMs, 50), 1)} ms, p99 ${fmt(percentile(propagationMs, 99), 1)} ms (target p99 ≤ 25); ${missing} events missing`,
  ];
  console.log(lines.join('\n'));
  agent.destroy();
} finally {
  await stopPods();
  await redis.close();
  await dropSchema(schema);
}
