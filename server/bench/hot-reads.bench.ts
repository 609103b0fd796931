import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnPod } from '../test/support/app.js';
import type { StoredAnswer } from './bare-server.js';
import { startBare, stored } from './bare-start.js';
import { procCpuUs } from './util.js';

export type HotReadRow = {
  route: string;
  encoding: 'identity' | 'gzip';
  bytes: number;
  /** Header fields the pod sent (Date, Connection and Keep-Alive aside), and the bare server. */
  headers: number;
  bareHeaders: number;
  podRps: number;
  bareRps: number;
  ratio: number;
  /** CPU time (user + system) per request of the pod and the bare server, µs, and bare ÷ pod. */
  podCpuUs: number;
  bareCpuUs: number;
  cpuRatio: number;
  podP99Ms: number;
  bareP99Ms: number;
  errors: number;
};

const CONNECTIONS = 50;

/** The raw bytes a GET gets (no decoding), with its status and header fields as sent. */
function fetchRaw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Buffer; rawHeaders: string[] }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), rawHeaders: res.rawHeaders }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/**
 * req/s (mean), p99 latency, non-2xx/errors of `seconds` of load on one URL, and the CPU
 * time (user + system, µs) the server process `pid` used per request meanwhile.
 */
async function load(url: string, headers: Record<string, string>, seconds: number, pid: number) {
  const before = procCpuUs(pid);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, pipelining: 1 });
  const after = procCpuUs(pid);
  const cpuUs = (after.user + after.system - before.user - before.system) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, cpuUs };
}

/** Runs the bench; `quick`: 1 s per measurement instead of 4 (× 2 rounds), uncompressed answers only. */
export async function run(opts: { quick?: boolean } = {}) {
  const seconds = Number(process.env.BENCH_SECONDS ?? (opts.quick ? 1 : 4));
  const encodings = opts.quick ? (['identity'] as const) : (['identity', 'gzip'] as const);
  const rounds = Number(process.env.BENCH_ROUNDS ?? (opts.quick ? 1 : 2));
  const dir = mkdtempSync(join(tmpdir(), 'bench-hot-'));
  const pod = await spawnPod(
    { DATABASE_URL: '', DATA_DIR: dir, DEMO: 'on', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    120_000,
    { bundle: true },
  );
  try {
    const facets = JSON.parse((await fetchRaw(`${pod.url}/trpc/entities.facets`, {})).body.toString()).result.data;
    const tenant = encodeURIComponent(facets.tenants[0].tenantName as string);
    const q = (o: unknown) => encodeURIComponent(JSON.stringify(o));
    const routes = [
      '/api/cache/status',
      `/trpc/entities.summary?input=${q({ worst: 5 })}`,
      `/trpc/entities.list?input=${q({ limit: 50 })}`,
      '/trpc/entities.facets',
      `/api/cache/recent-changes?tenantName=${tenant}&limit=20`,
    ];
    const minimal = process.env.BENCH_BARE_HEADERS === 'minimal';
    const answers: Record<string, { identity: StoredAnswer; gzip: StoredAnswer }> = {};
    const podHeaders: Record<string, { identity: number; gzip: number }> = {};
    for (const route of routes) {
      const plain = await fetchRaw(`${pod.url}${route}`, {});
      const gz = await fetchRaw(`${pod.url}${route}`, { 'accept-encoding': 'gzip' });
      if (plain.status !== 200) throw new Error(`${route}: ${plain.status}`);
      answers[route] = { identity: stored(plain, minimal), gzip: stored(gz, minimal) };
      podHeaders[route] = {
        identity: stored(plain, false).headers.length / 2,
        gzip: stored(gz, false).headers.length / 2,
      };
    }
    const bare = await startBare(answers, dir);
    const podPid = pod.child.pid as number;
    const rows: HotReadRow[] = [];
    try {
      for (const route of routes) {
        for (const encoding of encodings) {
          const headers: Record<string, string> = encoding === 'gzip' ? { 'accept-encoding': 'gzip' } : {};
          const a = (answers[route] as { identity: StoredAnswer; gzip: StoredAnswer })[encoding];
          const bytes = Buffer.from(a.body, 'base64').length;
          const best = (xs: Awaited<ReturnType<typeof load>>[]) => xs.reduce((a, x) => (x.rps > a.rps ? x : a));
          const ps = [];
          const bs = [];
          for (let i = 0; i < rounds; i++) {
            if (i % 2 === 0) ps.push(await load(`${pod.url}${route}`, headers, seconds, podPid));
            bs.push(await load(`${bare.url}${route}`, headers, seconds, bare.pid));
            if (i % 2 === 1) ps.push(await load(`${pod.url}${route}`, headers, seconds, podPid));
          }
          const p = best(ps);
          const b = best(bs);
          // The least CPU per request of each side's rounds (the least disturbed, as for req/s).
          const cpu = (xs: { cpuUs: number }[]) => Math.min(...xs.map((x) => x.cpuUs));
          const row = {
            route: decodeURIComponent(route),
            encoding,
            bytes,
            headers: podHeaders[route]?.[encoding] ?? 0,
            bareHeaders: a.headers.length / 2,
            podRps: Math.round(p.rps),
            bareRps: Math.round(b.rps),
            ratio: Math.round((p.rps / b.rps) * 100) / 100,
            podCpuUs: Math.round(cpu(ps) * 10) / 10,
            bareCpuUs: Math.round(cpu(bs) * 10) / 10,
            cpuRatio: Math.round((cpu(bs) / cpu(ps)) * 100) / 100,
            podP99Ms: p.p99,
            bareP99Ms: b.p99,
            errors: ps.reduce((n, x) => n + x.errors, 0),
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        }
      }
    } finally {
      bare.close();
    }
    return {
      rows,
      table: table(rows),
      settings: {
        connections: CONNECTIONS,
        seconds,
        rounds,
        demo: true,
        bareHeaders: minimal ? 'minimal' : 'same as the pod',
      },
    };
  } finally {
    pod.kill('SIGTERM');
    await pod.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The Markdown table of the rows (docs/benchmarks.md). */
function table(rows: HotReadRow[]): string {
  const lines = [
    '| route | encoding | bytes | header fields pod / bare | pod req/s | bare req/s | ratio | CPU µs/req pod / bare | CPU ratio | pod p99 ms | bare p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| \`GET ${r.route}\` | ${r.encoding} | ${fmt(r.bytes)} | ${r.headers} / ${r.bareHeaders} | ${fmt(r.podRps)} | ${fmt(r.bareRps)} | ${r.ratio.toFixed(2)} | ${r.podCpuUs} / ${r.bareCpuUs} | ${r.cpuRatio.toFixed(2)} | ${r.podP99Ms} | ${r.bareP99Ms} |`,
    );
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(result.table);
  process.exit(0);
}
