/**
 * Fan-out of changes to WebSocket subscribers, against a bare broadcast server in the same
 * run: `cd server && node scripts/build.mjs && npx tsx bench/fanout.bench.ts [--quick]`
 * (part of `pnpm bench`).
 *
 * Two pods (the production bundle, separate processes) in Redis mode with a key prefix and
 * a PostgreSQL schema of their own, and a redis-server of the bench's own. An outside client
 * process (bench/fanout-client.ts) opens BENCH_SUBSCRIBERS (1,000; 100 with --quick)
 * `cache.onChange` subscribers, half on each pod, then POSTs BENCH_CHANGES (20; 5) single
 * updates to pod A, one at a time, 100 ms apart; latency = arrival of the change at a
 * subscriber − the moment its POST was sent, over every delivery. The figures count only
 * after a warm-up round of 5 changes. Then the RSS a pod adds for BENCH_IDLE (10,000; 500)
 * idle subscribers (VmRSS before and 3 s after they are all started). The baseline
 * (bench/fanout-bare.ts) is measured the same way: the same client, the same messages.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../../test/support/redis-server.js';
import { dropSchema, PG_URL, type PodProcess, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';

type Latency = {
  subscribers: number;
  changes: number;
  deliveries: number;
  missing: number;
  outOfOrder: number;
  foreign: number;
  postStatuses: number[];
  p50: number;
  p90: number;
  p99: number;
  max: number;
};
type Side = { latency: Latency; idleRssAddedMB: number; idleSubscribers: number };

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
// BENCH_PROFILE=<dir>: CPU profiles of the pods, written there when they exit (bench/ingest-profile.ts reads them).
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process in MB (Linux /proc). */
function rssMB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 102.4) / 10;
}

/** The client process, with a function sending it one command and awaiting its one answer. */
async function startClient() {
  const child = fork(here('./fanout-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`fan-out client exited (${code})`)));
    });
  await next();
  const ask = async <T>(command: Record<string, unknown>): Promise<T> => {
    const answer = next();
    child.send(command);
    const a = await answer;
    if (a.error) throw new Error(String(a.error));
    return a as T;
  };
  return { ask, close: () => ask({ cmd: 'close' }).catch(() => child.kill('SIGKILL')) };
}

/** Subscribers over `urls`, a warm-up, then the measured changes POSTed to `post`. */
async function fanOut(urls: string[], post: string, n: number, changes: number): Promise<Latency> {
  const client = await startClient();
  try {
    await client.ask({ cmd: 'connect', urls, n });
    await client.ask({ cmd: 'measure', post, changes: 5, gapMs: 100, tag: 'warm' });
    return await client.ask<Latency>({ cmd: 'measure', post, changes, gapMs: 100, tag: 'run' });
  } finally {
    await client.close();
  }
}

/** MB of RSS `pid` adds for `n` idle subscribers at `url`. */
async function idleRss(pid: number, url: string, n: number): Promise<number> {
  await sleep(2_000);
  const before = rssMB(pid);
  const client = await startClient();
  try {
    await client.ask({ cmd: 'connect', urls: [url], n });
    await sleep(3_000);
    return Math.round((rssMB(pid) - before) * 10) / 10;
  } finally {
    await client.close();
  }
}

async function bare(n: number, changes: number, idle: number): Promise<Side> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', here('./fanout-bare.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve) => child.stdout?.once('data', (d) => resolve(Number(String(d)))));
    const url = `http://127.0.0.1:${port}`;
    const latency = await fanOut([url], `${url}/api/cache/incremental-update`, n, changes);
    return { latency, idleRssAddedMB: await idleRss(child.pid as number, url, idle), idleSubscribers: idle };
  } finally {
    child.kill('SIGTERM');
  }
}

async function pods(n: number, changes: number, idle: number): Promise<Side> {
  const schema = uniqueSchema('bench_fanout');
  const redis = await startRedisServer();
  const prefix = uniquePrefix('fanout');
  const env = (id: string) => ({
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    INGEST_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    POD_ID: id,
  });
  const started: PodProcess[] = [];
  try {
    for (const id of ['a', 'b']) started.push(await spawnPod(env(id), 60_000, { bundle: true, nodeArgs: profileArgs }));
    const [a, b] = started as [PodProcess, PodProcess];
    const latency = await fanOut([a.url, b.url], `${a.url}/api/cache/incremental-update`, n, changes);
    return { latency, idleRssAddedMB: await idleRss(a.child.pid as number, a.url, idle), idleSubscribers: idle };
  } finally {
    for (const p of started) p.kill('SIGTERM');
    await Promise.all(started.map((p) => p.exited));
    await redis.close();
    await dropSchema(schema);
  }
}

/** Runs the bench; `quick`: fewer subscribers and changes. */
export async function run(opts: { quick?: boolean } = {}) {
  const n = Number(process.env.BENCH_SUBSCRIBERS ?? (opts.quick ? 100 : 1_000));
  const changes = Number(process.env.BENCH_CHANGES ?? (opts.quick ? 5 : 20));
  const idle = Number(process.env.BENCH_IDLE ?? (opts.quick ? 500 : 10_000));
  const baseline = await bare(n, changes, idle);
  console.log(JSON.stringify({ bare: baseline }));
  const pod = await pods(n, changes, idle);
  console.log(JSON.stringify({ pods: pod }));
  return { pods: pod, bare: baseline, settings: { subscribers: n, changes, idle }, table: table(pod, baseline) };
}

function table(pod: Side, base: Side): string {
  const p = pod.latency;
  const b = base.latency;
  const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(1)}×` : '–');
  return [
    `${p.subscribers.toLocaleString('en-US')} subscribers, ${p.changes} changes; ${pod.idleSubscribers.toLocaleString('en-US')} idle subscribers for RSS.`,
    '',
    '| | deliveries (missing / out of order) | p50 ms | p90 ms | p99 ms | max ms | RSS added by idle subscribers |',
    '|---|---|---|---|---|---|---|',
    `| two pods (Redis mode) | ${p.deliveries} (${p.missing} / ${p.outOfOrder}) | ${p.p50} | ${p.p90} | ${p.p99} | ${p.max} | ${pod.idleRssAddedMB} MB |`,
    `| bare broadcast server (one process) | ${b.deliveries} (${b.missing} / ${b.outOfOrder}) | ${b.p50} | ${b.p90} | ${b.p99} | ${b.max} | ${base.idleRssAddedMB} MB |`,
    `| ratio pods ÷ bare | | ${ratio(p.p50, b.p50)} | ${ratio(p.p90, b.p90)} | ${ratio(p.p99, b.p99)} | ${ratio(p.max, b.max)} | ${ratio(pod.idleRssAddedMB, base.idleRssAddedMB)} |`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(result.table);
  process.exit(0);
}
