/**
 * Budget math in memory: 100,000 entity timelines with 30 days of results every ~15 minutes
 * (≈ 2,860 each, ≈ 286 M results in all), classes varied (mostly good, bad runs, NoData
 * results, gaps long enough to go stale). Measures the time to append every
 * result, the heap each timeline holds, and the time to compute 30-day sums for every
 * entity with two exclusions each (plus the five burn-rate windows). Pure CPU, no services.
 * Part of `pnpm bench`; alone:
 *
 *   cd server && npx tsx bench/budget-math.bench.ts      # quick: 10,000 entities
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BURN_WINDOWS_MINUTES, type Status } from '@sla/shared';
import { sumsOver } from '../src/domain/budget/sums.js';
import { appendResult } from '../src/domain/budget/timeline.js';
import type { CountingPolicy, Exclusion, Timeline } from '../src/domain/budget/types.js';
import { isEntry, mdTable } from './util.js';

const M = 60_000;
const D = 24 * 60 * M;
const STALE = 30 * M;
const STATUS: Status[] = ['Passed', 'Failed', 'AtRisk', 'NoData'];

/** A fixed-seed xorshift32 in [0, 1): the same dataset every run. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** A full garbage collection, when the flag can be set at run time (it can on Node 20). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** CPU milliseconds (user + system) of this process since `since`: steadier than wall time on a shared machine. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** One entity's results, in buffers reused from entity to entity. */
type Results = { n: number; at: Float64Array; status: Uint8Array; sla: Float64Array };

/**
 * Fills `r` with one entity's results from `from` to `to`: every 15 min ± 2, mostly Passed at
 * 99.9–100 (meeting both targets used); a 0.5 % chance per result of a bad run (Failed, or
 * AtRisk below target) of 1–8 results, 0.2 % of a NoData result, 0.1 % of a 2-hour gap (stale
 * after 30 min).
 */
function generate(r: Results, rnd: () => number, from: number, to: number): void {
  let t = from + rnd() * 15 * M;
  let bad = 0;
  let n = 0;
  while (t < to && n < r.at.length) {
    r.at[n] = t;
    if (bad === 0 && rnd() < 0.005) bad = 1 + Math.floor(rnd() * 8);
    if (bad > 0) {
      bad--;
      r.status[n] = rnd() < 0.5 ? 1 : 2;
      r.sla[n] = 90 + rnd() * 8;
    } else {
      r.status[n] = rnd() < 0.002 ? 3 : 0;
      r.sla[n] = 99.9 + rnd() * 0.1;
    }
    n++;
    t += (rnd() < 0.001 ? 120 * M : 13 * M) + rnd() * 4 * M;
  }
  r.n = n;
}

/** Runs the bench; `quick`: 10,000 entities instead of 100,000. */
export async function run(opts: { quick?: boolean; entities?: number } = {}) {
  const N = opts.entities ?? Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 10_000 : 100_000));
  const now = Date.UTC(2026, 10, 30, 12);
  const from = now - 30 * D;
  const size = Math.ceil((now - from) / (13 * M)) + 1;
  const buf: Results = { n: 0, at: new Float64Array(size), status: new Uint8Array(size), sla: new Float64Array(size) };
  const rnd = random(42);
  let results = 0;

  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const timelines: Timeline[] = new Array(N);
  // Only the appends are timed: each entity's results are generated first, outside the clock.
  let appendMs = 0;
  let appendCpuMs = 0;
  for (let e = 0; e < N; e++) {
    generate(buf, rnd, from, now);
    results += buf.n;
    const target = e % 3 === 0 ? 99.9 : 99;
    let t: Timeline | null = null;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < buf.n; i++) {
      t = appendResult(
        t,
        {
          observedAt: buf.at[i] as number,
          status: STATUS[buf.status[i] as number] as Status,
          currentSla: buf.sla[i] as number,
          slaTarget: target,
        },
        STALE,
      );
    }
    appendCpuMs += cpuMs(cpu0);
    appendMs += performance.now() - t0;
    timelines[e] = t as Timeline;
  }
  collect();
  const heapPerEntity = (process.memoryUsage().heapUsed - heapBefore) / N;
  let segments = 0;
  for (const t of timelines) segments += t.segments.length;

  // Two exclusions each: a 2-hour maintenance window a week ago and a 1-hour deployment yesterday.
  const exclusions: Exclusion[][] = timelines.map((_, e) => [
    { start: now - 7 * D + (e % 60) * M, end: now - 7 * D + (e % 60) * M + 120 * M, category: 'maintenance' },
    { start: now - D + (e % 30) * M, end: now - D + (e % 30) * M + 60 * M, category: 'deployment' },
  ]);
  const policy: CountingPolicy = { noDataPolicy: 'exclude', staleAfterMs: STALE };
  let counted = 0;
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  for (let e = 0; e < N; e++)
    counted += sumsOver(timelines[e] as Timeline, [from, now], exclusions[e] as Exclusion[], policy, now).countedMs;
  const sumsMs = performance.now() - t1;
  const sumsCpuMs = cpuMs(cpu1);
  const t2 = performance.now();
  const cpu2 = process.cpuUsage();
  for (let e = 0; e < N; e++)
    for (const w of BURN_WINDOWS_MINUTES)
      counted += sumsOver(
        timelines[e] as Timeline,
        [now - w * M, now],
        exclusions[e] as Exclusion[],
        policy,
        now,
      ).countedMs;
  const burnMs = performance.now() - t2;
  const burnCpuMs = cpuMs(cpu2);
  // Read so the work cannot be dropped; also a sanity check of the dataset.
  if (!(counted > 0)) throw new Error('nothing counted');

  const r = (x: number) => Math.round(x);
  const figures = {
    entities: N,
    results,
    segmentsPerEntity: Math.round((segments / N) * 10) / 10,
    appendMs: r(appendMs),
    appendCpuMs: r(appendCpuMs),
    appendCpuNsPerResult: r((appendCpuMs * 1e6) / results),
    heapBytesPerEntity: r(heapPerEntity),
    sums30dMs: r(sumsMs),
    sums30dCpuMs: r(sumsCpuMs),
    sums30dCpuUsPerEntity: Math.round((sumsCpuMs * 10_000) / N) / 10,
    burnWindowsMs: r(burnMs),
    burnWindowsCpuMs: r(burnCpuMs),
  };
  const n = (x: number) => x.toLocaleString('en-US');
  const table = mdTable(
    ['what', 'wall', 'CPU', 'per unit (CPU)'],
    [
      ['results appended', '', '', `${n(N)} timelines × ~${r(results / N)} = ${n(results)} results`],
      [
        'append every result',
        `${n(figures.appendMs)} ms`,
        `${n(figures.appendCpuMs)} ms`,
        `${figures.appendCpuNsPerResult} ns per result`,
      ],
      ['heap per timeline', '', '', `${n(figures.heapBytesPerEntity)} bytes (${figures.segmentsPerEntity} segments)`],
      [
        '30-day sums, 2 exclusions, every entity',
        `${n(figures.sums30dMs)} ms`,
        `${n(figures.sums30dCpuMs)} ms`,
        `${figures.sums30dCpuUsPerEntity} µs per entity`,
      ],
      [
        `burn-rate sums (${BURN_WINDOWS_MINUTES.length} windows), every entity`,
        `${n(figures.burnWindowsMs)} ms`,
        `${n(figures.burnWindowsCpuMs)} ms`,
        '',
      ],
    ],
  );
  return { ...figures, table };
}

if (isEntry(import.meta.url)) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(result.table);
  process.exit(0);
}
