/**
 * Where a hot read's time goes: `cd server && node scripts/build.mjs && npx tsx bench/hot-reads-profile.ts`
 * (knobs: BENCH_SECONDS per load, 4; BENCH_PROFILE_DIR to keep the .cpuprofile files).
 *
 * Starts a pod as the hot-reads bench does (the production bundle on the embedded database,
 * demo data and poller on) and the bench's bare server answering the same bytes with the
 * same header fields, both with `--cpu-prof` (sampled every 250 µs). Each hot route is
 * loaded with autocannon (50 connections) plain and with `Accept-Encoding: gzip`, the pod
 * then the bare server, one load at a time; each load's window of samples is cut from the
 * profile by the clock (both are CLOCK_MONOTONIC). Prints per route: req/s, the sampled
 * time per request (busy samples × interval ÷ requests), the CPU time per request (user and
 * system, /proc), and where the samples go, by the groups below (`classify`), then the groups
 * over all pod windows and the top self-time functions.
 *
 * V8 takes a sample every interval of wall-clock time, so a thread that the kernel
 * preempts inside a system call (a `writev` that wakes the load generator on a busy
 * 2-core machine) is sampled there all along: `writev`'s share is inflated by scheduling,
 * which /proc's system time does not count. The shares of the JavaScript groups are the
 * part to read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnPod } from '../test/support/app.js';
import type { StoredAnswer } from './bare-server.js';
import { stored } from './bare-start.js';
import { mdTable, procCpuUs } from './util.js';

type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };
type Window = {
  target: 'pod' | 'bare';
  route: string;
  encoding: string;
  from: number;
  to: number;
  requests: number;
  /** CPU time the process used in the window (/proc/<pid>/stat), µs: user and system (kernel). */
  userUs: number;
  systemUs: number;
};

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const INTERVAL_US = 250;
const SERVER_DIR = fileURLToPath(new URL('../', import.meta.url));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function fetchRaw(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: Buffer; rawHeaders: string[] }>((resolve, reject) => {
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

/** Source positions of the bundle (dist/main.js) mapped back to src files. */
const bundleMap = new SourceMap(JSON.parse(readFileSync(join(SERVER_DIR, 'dist/main.js.map'), 'utf8')));
function sourceOf(f: Frame): string {
  if (!f.url.endsWith('/dist/main.js')) return f.url;
  const e = bundleMap.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string };
  return e.originalSource ?? f.url;
}

/** The group of a frame outside Node's core, or null for Node's own (node:*, natives). */
function component(f: Frame): string | null {
  const src = sourceOf(f);
  const fn = f.functionName;
  if (src === '' || src.startsWith('node:')) return null;
  if (/\/helmet\//.test(src)) return 'helmet headers';
  if (/\/(cors|vary|object-assign)\//.test(src)) return 'CORS + vary';
  if (/\/negotiator\/|src\/http\/compress\.ts/.test(src)) return 'compression negotiation';
  if (/\/prom-client\//.test(src)) return 'request metrics (histogram)';
  if (/\/pino/.test(src)) return 'logging';
  if (/@trpc|\/zod\/|src\/http\/call\.ts|src\/readmodel\/(queries|top-k|memo|rollup|history)/.test(src))
    return 'answer computed (miss: tRPC caller, zod, query, serialise)';
  if (/^wasm:|pglite|mikro-orm|knex|\/pg\/|src\/(demo|ingest|cache|changelog|db)\//.test(src))
    return 'background: demo poller, ingest, embedded database';
  if (/src\/auth\/|src\/platform\/safe-equal/.test(src)) return 'read guard';
  if (/read-versions\.ts|src\/bootstrap\.ts/.test(src)) return 'version key';
  if (/src\/http\/answer-cache\.ts/.test(src)) return 'cache lookup + ETag';
  if (/src\/http\/hot-reads\.ts/.test(src)) {
    if (/planOf|lookup|route/i.test(fn)) return 'routing + query parsing (plan)';
    if (/^send|write|headers/i.test(fn)) return 'hot-read response (headers, 304 check, end)';
    return 'hot-read path (key, lookup, counters)';
  }
  if (/src\/http\/(hot-plan|rest)\.ts/.test(src)) return 'routing + query parsing (plan)';
  if (/src\/http\/hot-hits\.ts/.test(src)) return 'stored answer (lookup, guard, key, 304/coding; node end() below it)';
  if (/src\/http\/server\.ts/.test(src)) return 'server.ts (request id, timing, routing, finish listener)';
  if (/bench\/bare-server\.ts/.test(src)) return "bare server's handler (lookup, writeHead, end)";
  if (/src\/http\//.test(src)) return `http: ${src.replace(/^.*src\/http\//, '')}`;
  if (/src\//.test(src)) return `own: ${src.replace(/^.*src\//, '')}`;
  return `other: ${src.replace(/^.*node_modules\/(\.pnpm\/)?/, '').split('/')[0]}`;
}

const SOCKET_WRITE =
  /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeGeneric|writevGeneric|_writeGeneric|_writev|handleWriteReq|onWriteComplete|afterWriteDispatched)$/;
const HEAD =
  /^(_storeHeader|processHeader|_implicitHeader|writeHead|validateHeaderName|validateHeaderValue|checkInvalidHeaderChar|checkIsHttpToken|matchHeader|utcDate)$/;

/**
 * The group of one sample's stack (leaf first): Node's socket writes and response-head
 * serialisation under any caller are their own groups; other Node frames count for the
 * nearest caller outside Node (helmet's setHeader is helmet's); a stack of Node frames
 * only is Node's HTTP machinery (parsing, dispatch, socket reads, ticks).
 */
function classify(stack: Frame[]): string {
  const leaf = stack[0] as Frame;
  if (leaf.functionName === '(idle)') return '(idle)';
  if (leaf.functionName === '(garbage collector)') return 'garbage collector';
  if (leaf.functionName === '(program)') return 'V8/native, unattributed (program)';
  for (const f of stack) {
    const c = component(f);
    if (c) return c;
    if (SOCKET_WRITE.test(f.functionName)) return 'node: socket write (writev)';
    if (HEAD.test(f.functionName)) return 'node: response head (serialise, Date)';
  }
  const names = stack.map((f) => f.functionName).join(' ');
  if (/parserOnIncoming|parserOnHeadersComplete|resOnFinish|onParserExecute|execute|_http_server/.test(names))
    return 'node: HTTP parse, dispatch, finish';
  if (/onStreamRead|readable|Readable/.test(names)) return 'node: socket read';
  if (/listOnTimeout|processTimers/.test(names)) return 'node: timers';
  if (/processTicksAndRejections|runMicrotasks/.test(names)) return 'node: ticks, promises';
  return 'node: other';
}

/** Samples in [from, to) by group, plus self time by function, for one profile. */
function cut(profile: Profile, windows: Window[]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const groupOf = new Map<number, string>();
  const stackGroup = (id: number) => {
    let g = groupOf.get(id);
    if (g === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        stack.push((byId.get(at) as Node).callFrame);
      g = classify(stack);
      groupOf.set(id, g);
    }
    return g;
  };
  const name = (f: Frame) =>
    `${f.functionName || '(anonymous)'} ${sourceOf(f)
      .replace(/^.*node_modules\/(\.pnpm\/)?/, '')
      .replace(/^.*\/src\//, 'src/')}`;
  const out = windows.map(() => ({ groups: new Map<string, number>(), self: new Map<string, number>(), total: 0 }));
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    const w = windows.findIndex((x) => t >= x.from && t < x.to);
    if (w < 0) return;
    const o = out[w] as (typeof out)[number];
    const g = stackGroup(id);
    o.groups.set(g, (o.groups.get(g) ?? 0) + 1);
    const fn = name((byId.get(id) as Node).callFrame);
    o.self.set(fn, (o.self.get(fn) ?? 0) + 1);
    o.total++;
  });
  return out;
}

async function waitExit(child: ChildProcess) {
  if (child.exitCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

async function main() {
  const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'hot-prof-'));
  const podDir = join(dir, 'pod');
  const bareDir = join(dir, 'bare');
  const prof = (d: string) => ['--cpu-prof', '--cpu-prof-dir', d, '--cpu-prof-interval', String(INTERVAL_US)];
  const pod = await spawnPod(
    { DATABASE_URL: '', DATA_DIR: join(dir, 'data'), DEMO: 'on', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    120_000,
    { bundle: true, nodeArgs: prof(podDir) },
  );
  const facets = JSON.parse((await fetchRaw(`${pod.url}/trpc/entities.facets`, {})).body.toString()).result.data;
  const q = (o: unknown) => encodeURIComponent(JSON.stringify(o));
  const routes = [
    '/api/cache/status',
    `/trpc/entities.summary?input=${q({ worst: 5 })}`,
    `/trpc/entities.list?input=${q({ limit: 50 })}`,
    '/trpc/entities.facets',
    `/api/cache/recent-changes?tenantName=${encodeURIComponent(facets.tenants[0].tenantName)}&limit=20`,
  ];
  const answers: Record<string, { identity: StoredAnswer; gzip: StoredAnswer }> = {};
  for (const r of routes)
    answers[r] = {
      identity: stored(await fetchRaw(`${pod.url}${r}`, {}), false),
      gzip: stored(await fetchRaw(`${pod.url}${r}`, { 'accept-encoding': 'gzip' }), false),
    };
  writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
  const bare = spawn(
    process.execPath,
    [
      ...prof(bareDir),
      '--import',
      'tsx',
      fileURLToPath(new URL('./bare-server.ts', import.meta.url)),
      join(dir, 'answers.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const barePort = await new Promise<number>((resolve) => bare.stdout?.once('data', (d) => resolve(Number(String(d)))));
  const windows: Window[] = [];
  for (const route of routes)
    for (const encoding of ['identity', 'gzip'])
      for (const [target, base, pid] of [
        ['pod', pod.url, pod.child.pid as number],
        ['bare', `http://127.0.0.1:${barePort}`, bare.pid as number],
      ] as const) {
        const headers: Record<string, string> = encoding === 'gzip' ? { 'accept-encoding': 'gzip' } : {};
        const started = nowUs();
        const cpu0 = procCpuUs(pid);
        const r = await autocannon({ url: `${base}${route}`, connections: 50, duration: SECONDS, headers });
        const cpu1 = procCpuUs(pid);
        const to = nowUs();
        // The profile window skips the first 0.5 s (connections opening); the CPU figures cover the whole load.
        const from = started + 500_000;
        const requests = (r.requests.total * (to - from)) / (to - started);
        const perReq = (a: number, b: number) => ((b - a) * (to - from)) / (to - started);
        windows.push({
          target,
          route: decodeURIComponent(route),
          encoding,
          from,
          to,
          requests,
          userUs: perReq(cpu0.user, cpu1.user),
          systemUs: perReq(cpu0.system, cpu1.system),
        });
        console.error(`${target} ${encoding} ${decodeURIComponent(route)}: ${Math.round(r.requests.average)} req/s`);
      }
  bare.kill('SIGTERM');
  pod.kill('SIGTERM');
  await Promise.all([waitExit(bare), pod.exited]);
  const read = (d: string) => JSON.parse(readFileSync(join(d, readdirSync(d)[0] as string), 'utf8')) as Profile;
  const podWindows = windows.filter((w) => w.target === 'pod');
  const bareWindows = windows.filter((w) => w.target === 'bare');
  const podCuts = cut(read(podDir), podWindows);
  const bareCuts = cut(read(bareDir), bareWindows);
  report(podWindows, podCuts, bareWindows, bareCuts);
  console.error(`profiles in ${dir}`);
}

type Cut = ReturnType<typeof cut>[number];

function report(podWindows: Window[], podCuts: Cut[], bareWindows: Window[], bareCuts: Cut[]) {
  const busy = (c: Cut) => c.total - (c.groups.get('(idle)') ?? 0);
  const usPerReq = (c: Cut, w: Window, samples = busy(c)) => (samples * INTERVAL_US) / Math.max(1, w.requests);
  const rows = podWindows.map((w, i) => {
    const c = podCuts[i] as Cut;
    const b = bareCuts[i] as Cut;
    const bw = bareWindows[i] as Window;
    const secs = (w.to - w.from) / 1e6;
    return [
      `\`${w.route}\``,
      w.encoding,
      Math.round(w.requests / secs).toLocaleString('en-US'),
      Math.round(bw.requests / ((bw.to - bw.from) / 1e6)).toLocaleString('en-US'),
      usPerReq(c, w).toFixed(1),
      usPerReq(b, bw).toFixed(1),
      `${(w.userUs / w.requests).toFixed(1)} / ${(w.systemUs / w.requests).toFixed(1)}`,
      `${(bw.userUs / bw.requests).toFixed(1)} / ${(bw.systemUs / bw.requests).toFixed(1)}`,
      `${((100 * (c.groups.get('(idle)') ?? 0)) / Math.max(1, c.total)).toFixed(0)}%`,
    ];
  });
  console.log(
    mdTable(['route', 'encoding', 'pod req/s', 'bare req/s', 'pod CPU µs/req', 'bare CPU µs/req', 'pod idle'], rows),
  );
  // All pod windows together: the share of each group in the busy time, and µs per request.
  const sum = (cuts: Cut[], wins: Window[]) => {
    const groups = new Map<string, number>();
    const self = new Map<string, number>();
    let total = 0;
    for (const c of cuts) {
      for (const [g, n] of c.groups) if (g !== '(idle)') groups.set(g, (groups.get(g) ?? 0) + n);
      for (const [f, n] of c.self) if (!f.startsWith('(idle)')) self.set(f, (self.get(f) ?? 0) + n);
      total += busy(c);
    }
    const requests = wins.reduce((n, w) => n + w.requests, 0);
    return { groups, self, total, requests };
  };
  for (const [label, s] of [
    ['pod', sum(podCuts, podWindows)],
    ['bare', sum(bareCuts, bareWindows)],
  ] as const) {
    const wins = label === 'pod' ? podWindows : bareWindows;
    const cpu = wins.reduce((n, w) => n + w.userUs + w.systemUs, 0) / s.requests;
    const sys = wins.reduce((n, w) => n + w.systemUs, 0) / s.requests;
    console.log(
      `\n${label}, all routes: ${((s.total * INTERVAL_US) / s.requests).toFixed(1)} µs sampled (busy, wall clock) per request; ${cpu.toFixed(1)} µs CPU per request (/proc), of it ${sys.toFixed(1)} µs in the kernel\n`,
    );
    const sorted = [...s.groups].sort((a, b) => b[1] - a[1]);
    console.log(
      mdTable(
        ['group', 'share of busy time', 'µs per request'],
        sorted.map(([g, n]) => [
          g,
          `${((100 * n) / s.total).toFixed(1)}%`,
          ((n * INTERVAL_US) / s.requests).toFixed(2),
        ]),
      ),
    );
    console.log(`\n${label}, top self time:\n`);
    console.log(
      mdTable(
        ['function', 'self'],
        [...s.self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25)
          .map(([f, n]) => [`\`${f}\``, `${((100 * n) / s.total).toFixed(1)}%`]),
      ),
    );
  }
  // Per route, the pod's groups (µs per request).
  for (const [i, w] of podWindows.entries()) {
    const c = podCuts[i] as Cut;
    const top = [...c.groups]
      .filter(([g]) => g !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([g, n]) => `${g} ${((100 * n) / busy(c)).toFixed(0)}%`);
    console.log(`\n- \`${w.route}\` ${w.encoding}: ${top.join(', ')}`);
  }
}

await main();
process.exit(0);
