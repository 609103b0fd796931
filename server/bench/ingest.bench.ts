/**
 * Ingest throughput and latency on real PostgreSQL and Redis, against pods running as
 * separate processes (as in production). Run: cd server && npx tsx bench/ingest.bench.ts,
 * or `pnpm bench --only ingest` (`run()`; `--quick`: 2 s phases, 16 clients, 200/s).
 * Knobs: BENCH_SECONDS (10), BENCH_CLIENTS (64), BENCH_BATCH_CLIENTS (4), BENCH_RATE (500),
 * BENCH_PHASES (a,b,c,d), BENCH_PROFILE=<dir> to write CPU profiles of the pods there
 * (summarise them with bench/ingest-profile.ts).
 */
import { cpus } from 'node:os';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { startRedisServer } from '../../test/support/redis-server.js';
import type { AppRouter } from '../src/app-router.js';
import { dropSchema, PG_URL, type PodProcess, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { batchUpserts, createBaselineTable, type Row, singleRowUpserts } from './ingest-baseline.js';
import { closedLoop, fmt, keepAliveAgent, openLoop, percentile, postJson } from './ingest-load.js';
import { cpuSeconds, startPodProcess } from './ingest-pods.js';
import { isEntry, mdTable } from './util.js';

let SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
let CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const BATCH_CLIENTS = Number(process.env.BENCH_BATCH_CLIENTS ?? 4);
let RATE = Number(process.env.BENCH_RATE ?? 500);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const PHASES = new Set((process.env.BENCH_PHASES ?? 'a,b,c,d').split(','));
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
const update = (r: Row) => ({
  tenantName: r.tenant,
  teamName: r.team,
  entityType: r.type,
  entityName: r.name,
  currentSla: r.sla,
  status: r.status,
});

const schema = uniqueSchema('bench_ingest');
const prefix = uniquePrefix('bench');
let redisUrl = '';
const podEnv = (id: string) => ({
  DATABASE_URL: PG_URL,
  DATABASE_SCHEMA: schema,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: prefix,
  INGEST_TOKENS: TOKEN,
  INGEST_RATE_LIMIT: '0',
  NODE_ENV: 'production',
  SESSION_SECRET: 'b'.repeat(32),
  LOG_LEVEL: 'warn',
  POD_ID: id,
});
const pods: PodProcess[] = [];
const stopPods = async () => {
  for (const p of pods.splice(0)) {
    p.kill('SIGTERM');
    await p.exited;
  }
};

let agent = keepAliveAgent(CLIENTS);
/** Figures of the last run, for run()'s table. */
const figures: Record<string, number> = {};
const lines = [
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; pods are separate processes; PostgreSQL, Redis and the load generator share the machine`,
];

/** (a) single updates, closed loop over keep-alive connections. */
async function singles(url: string, pid: number | undefined) {
  let seq = 0;
  const send = () => postJson(agent, `${url}/api/cache/incremental-update`, JSON.stringify(update(row(seq++))), AUTH);
  await closedLoop(CLIENTS, 2, send); // warm-up: JIT, pool, caches
  const cpu = cpuSeconds(pid);
  const r = await closedLoop(CLIENTS, SECONDS, send);
  const cpuMs = ((cpuSeconds(pid) - cpu) * 1000) / r.ok;
  const rate = r.ok / r.seconds;
  Object.assign(figures, { singlePerS: rate, singleP99Ms: percentile(r.latenciesMs, 99) });
  lines.push(
    `(a) single-update REST ingest, ${CLIENTS} keep-alive clients, ${fmt(r.seconds, 1)} s: ${fmt(rate)} updates/s (target 2,000); p50 ${fmt(percentile(r.latenciesMs, 50), 1)} ms, p99 ${fmt(percentile(r.latenciesMs, 99), 1)} ms; pod CPU ${fmt(cpuMs, 3)} ms per update; failed ${r.failed}${r.firstError ? ` (${r.firstError})` : ''}`,
  );
  return { rate, rows: r.ok };
}

/** (b) batches of 1,000 distinct entities. */
async function batches(url: string, pid: number | undefined) {
  const bodies = Array.from({ length: 8 }, (_, k) =>
    JSON.stringify({ updates: Array.from({ length: BATCH }, (_, j) => update(row(k * BATCH + j))) }),
  );
  let b = 0;
  const send = () =>
    postJson(agent, `${url}/api/cache/incremental-updates`, bodies[b++ % bodies.length] as string, AUTH);
  await closedLoop(BATCH_CLIENTS, 2, send);
  const cpu = cpuSeconds(pid);
  const r = await closedLoop(BATCH_CLIENTS, SECONDS, send);
  const cpuUs = ((cpuSeconds(pid) - cpu) * 1e6) / (r.ok * BATCH);
  const rate = (r.ok * BATCH) / r.seconds;
  figures.batchPerS = rate;
  lines.push(
    `(b) batch REST ingest, ${BATCH} per request, ${BATCH_CLIENTS} clients, ${fmt(r.seconds, 1)} s: ${fmt(rate)} entities/s (target 20,000); p50 ${fmt(percentile(r.latenciesMs, 50))} ms per request; pod CPU ${fmt(cpuUs, 1)} µs per entity; failed ${r.failed}${r.firstError ? ` (${r.firstError})` : ''}`,
  );
  return { rate, rows: r.ok * BATCH };
}

/** (c) raw PostgreSQL upserts of the same volume into a table of the same shape. */
async function baseline(single: { rate: number; rows: number }, batch: { rate: number; rows: number }) {
  await createBaselineTable(PG_URL, schema);
  const one = await singleRowUpserts(PG_URL, schema, Math.max(1_000, single.rows), 10, row);
  const many = await batchUpserts(PG_URL, schema, Math.max(10 * BATCH, batch.rows), BATCH, BATCH_CLIENTS, row);
  Object.assign(figures, { rawSinglePerS: one.perSecond, rawBatchPerS: many.perSecond });
  lines.push(
    `(c) raw PostgreSQL INSERT … ON CONFLICT, same volume: single rows (10 connections, autocommit) ${fmt(one.perSecond)} rows/s; ${BATCH}-row batches (${BATCH_CLIENTS} connections) ${fmt(many.perSecond)} rows/s`,
  );
  if (single.rate > 0 && batch.rate > 0)
    lines.push(
      `    ratio to baseline: single ${fmt(single.rate / one.perSecond, 2)}×, batch ${fmt(batch.rate / many.perSecond, 2)}×`,
    );
}

/** (d) a fixed offered load on pod A; a WebSocket subscriber on pod B. */
async function latency(urlA: string, urlB: string) {
  const ws = createWSClient({
    url: `${urlB.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const okAt = new Map<number, number>();
  const eventAt = new Map<number, number>();
  let started!: () => void;
  const ready = new Promise<void>((r) => {
    started = r;
  });
  const sub = client.cache.onChange.subscribe(
    {},
    {
      onStarted: () => started(),
      onData: ({ data }) => {
        if (data.entityName.startsWith('lat_')) eventAt.set(Number(data.entityName.slice(4)), performance.now());
      },
    },
  );
  await ready;
  const requestMs: number[] = [];
  let failed = 0;
  await openLoop(RATE, SECONDS, async (n) => {
    const t = performance.now();
    const body = JSON.stringify({ ...update(row(n)), entityName: `lat_${n}` });
    const r = await postJson(agent, `${urlA}/api/cache/incremental-update`, body, AUTH).catch(() => ({
      status: 0,
      body: '',
    }));
    const done = performance.now();
    if (r.status !== 200) return void failed++;
    requestMs.push(done - t);
    okAt.set(n, done);
  });
  const deadline = Date.now() + 5_000;
  while (eventAt.size < okAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  sub.unsubscribe();
  await ws.close();
  // An event can beat the HTTP answer to the client; that counts as 0.
  const propagation = [...okAt].flatMap(([n, t]) =>
    eventAt.has(n) ? [Math.max(0, (eventAt.get(n) as number) - t)] : [],
  );
  Object.assign(figures, {
    latencyP99Ms: percentile(requestMs, 99),
    propagationP99Ms: percentile(propagation, 99),
  });
  lines.push(
    `(d) ${RATE} updates/s offered to pod A for ${SECONDS} s (${okAt.size} ok, ${failed} failed): request→2xx p50 ${fmt(percentile(requestMs, 50), 1)} ms, p99 ${fmt(percentile(requestMs, 99), 1)} ms (target p99 ≤ 25)`,
    `    2xx on pod A → event at a WebSocket subscriber on pod B: p50 ${fmt(percentile(propagation, 50), 1)} ms, p99 ${fmt(percentile(propagation, 99), 1)} ms (target p99 ≤ 25); ${okAt.size - propagation.length} events missing`,
  );
}

/** One run of the phases; resolves to the report lines. */
async function measure(): Promise<string[]> {
  const redis = await startRedisServer();
  redisUrl = redis.url;
  try {
    const a = await startPodProcess(podEnv('bench-a'), PROFILE_DIR);
    pods.push(a);
    const none = { rate: 0, rows: 20_000 };
    const single = PHASES.has('a') ? await singles(a.url, a.child.pid) : none;
    const batch = PHASES.has('b') ? await batches(a.url, a.child.pid) : { ...none, rows: 200_000 };
    if (PHASES.has('c')) await baseline(single, batch);
    if (PHASES.has('d')) {
      const b = await startPodProcess(podEnv('bench-b'), PROFILE_DIR);
      pods.push(b);
      await latency(a.url, b.url);
    }
    return lines;
  } finally {
    agent.destroy();
    await stopPods();
    await redis.close();
    await dropSchema(schema);
  }
}

/**
 * For `pnpm bench` (run.ts): every phase, its baseline (raw PostgreSQL upserts) in the same
 * run; `quick` shortens the phases to 2 s with 16 clients and 200 updates/s offered.
 * Resolves to `{ table, ...figures }` (rates per second, latencies in ms).
 */
export async function run({ quick }: { quick: boolean }): Promise<{ table: string } & Record<string, number | string>> {
  if (quick) {
    SECONDS = 2;
    CLIENTS = 16;
    RATE = 200;
    agent = keepAliveAgent(CLIENTS);
  }
  await measure();
  const f = (k: string, digits = 0) => (figures[k] === undefined ? '—' : fmt(figures[k] as number, digits));
  const ratio = (a: string, b: string) =>
    figures[a] && figures[b] ? `${fmt((figures[a] as number) / (figures[b] as number), 2)}×` : '—';
  const table = mdTable(
    ['measure', 'pod', 'raw PostgreSQL baseline', 'ratio', 'target'],
    [
      ['single updates/s', f('singlePerS'), f('rawSinglePerS'), ratio('singlePerS', 'rawSinglePerS'), '≥ 0.5×'],
      [
        'batch entities/s (1,000 per request)',
        f('batchPerS'),
        f('rawBatchPerS'),
        ratio('batchPerS', 'rawBatchPerS'),
        '≥ 20,000/s',
      ],
      [`request p99 at ${RATE}/s`, `${f('latencyP99Ms', 1)} ms`, '', '', '≤ 25 ms'],
      ['2xx → event on another pod, p99', `${f('propagationP99Ms', 1)} ms`, '', '', '≤ 25 ms'],
    ],
  );
  return { table, ...figures };
}

if (isEntry(import.meta.url)) console.log((await measure()).join('\n'));
