import { prng } from '../../src/demo/dataset.js';
import { checkRecord, convergence } from './checks.js';
import { SoakCluster } from './cluster.js';
import { type FaultEvent, injectInTurn, PodTurns, planFaults } from './faults.js';
import { Load } from './load.js';
import { tallyViewChecks, type ViewCheckTally } from './view-checks.js';

export type SoakOptions = {
  seed: number;
  /** How long faults are injected (load runs through it), ms. */
  faultMs: number;
  /** Load before the first fault (warm-up), ms. */
  warmupMs?: number;
  /** Longest wait for the fleet to converge after the last fault, ms. */
  settleMs?: number;
  log?: (line: string) => void;
};

export type SoakReport = {
  seed: number;
  problems: string[];
  faults: FaultEvent[];
  acknowledged: number;
  attempts: number;
  reads: { count: number; failed: number; p50: number; p99: number; max: number };
  /** Time from the last fault's end until views, Redis and PostgreSQL agreed, ms. */
  convergedAfterMs: number | null;
  /**
   * Per pod process, MB, each read after a forced full GC (memory.ts); warmMb is null for a
   * process restarted too late to be warm before the end (no growth to measure). The
   * before-GC figures show how much of the RSS was garbage; heap figures are V8's used heap.
   */
  rss: {
    pod: string;
    warmMb: number | null;
    endMb: number;
    endBeforeGcMb: number;
    heapWarmMb: number | null;
    heapEndBeforeGcMb: number;
    heapEndMb: number;
  }[];
  /** The pods' own view checks against refresh snapshots: mismatches found and repairs logged. */
  viewChecks: Omit<ViewCheckTally, 'problems'>;
  /** Pod starts that failed and were retried (a pod that cannot reach PostgreSQL at start exits today). */
  failedStarts: string[];
  durationMs: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const mb = (b: number | null) => Math.round((b ?? 0) / 1e5) / 10;

/**
 * A seeded chaos soak: three pods under writers, readers and resuming subscribers while a
 * seeded schedule of real faults runs (Redis killed/frozen/flushed, subscribers killed,
 * PostgreSQL refused/black-holed, pods SIGKILLed/SIGTERMed, concurrent refreshes), then a
 * quiet period and every invariant checked. The same seed replays the same fault schedule.
 */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const rand = prng(o.seed);
  const plan = planFaults(prng(o.seed ^ 0x5eed), o.faultMs, 3);
  log(
    `soak seed ${o.seed}: ${plan.length} faults planned: ${plan.map((f) => `${f.atMs}ms ${f.kind}#${f.target}`).join(', ')}`,
  );
  const cluster = new SoakCluster({
    CACHE_REFRESH_INTERVAL_HOURS: '0.01',
    CACHE_LOCK_TIMEOUT_MS: '10000',
    DATABASE_POOL_SIZE: '4',
  });
  const load = new Load(cluster.pods, rand, { writers: 6, perWriter: 20, pauseMs: 40 });
  try {
    await cluster.start(3);
    load.start();
    await sleep(o.warmupMs ?? 5_000);
    const t0 = Date.now();
    const turns = new PodTurns();
    const events = await Promise.all(
      plan.map(async (f) => {
        await sleep(Math.max(0, t0 + f.atMs - Date.now()));
        const e = await injectInTurn(cluster, f, turns);
        log(
          `${new Date(e.start).toISOString()} ${e.kind}#${e.target} held ${e.end - e.start} ms${e.waitedMs ? ` after waiting ${e.waitedMs} ms for the previous pod fault` : ''}${e.error ? ` (${e.error})` : ''}`,
        );
        return e;
      }),
    );
    await load.stopTraffic();
    const lastEnd = Math.max(t0, ...events.map((e) => e.end));
    let converged: number | null = null;
    let problems: string[] = [];
    for (const until = Date.now() + (o.settleMs ?? 60_000); Date.now() < until; await sleep(1_000)) {
      problems = await convergence(cluster).catch((err) => [`convergence check failed: ${(err as Error).message}`]);
      if (problems.length === 0) {
        converged = Date.now() - lastEnd;
        break;
      }
    }
    await sleep(2_000); // subscribers receive the last changes
    problems.push(...(await checkRecord(cluster, load.record, events)));
    const viewChecks = await tallyViewChecks(cluster);
    problems.push(...viewChecks.problems);
    // Each process against itself: a restarted pod's baseline is its new process once warm.
    // Both readings follow a forced full GC, so they compare live memory, not uncollected garbage.
    const rss = [];
    for (const p of cluster.pods) {
      if (p.warmError) problems.push(`${p.name}: the warm memory reading failed: ${p.warmError}`);
      const end = await cluster.memory(p).catch((err) => {
        problems.push(`${p.name}: the end memory reading failed: ${(err as Error).message}`);
        return null;
      });
      rss.push({
        pod: p.name,
        warmMb: p.warm ? mb(p.warm.rss) : null,
        endMb: mb(end?.rss ?? null),
        endBeforeGcMb: mb(end?.rssBeforeGc ?? null),
        heapWarmMb: p.warm ? mb(p.warm.heapUsedAfterGc) : null,
        heapEndBeforeGcMb: mb(end?.heapUsedBeforeGc ?? null),
        heapEndMb: mb(end?.heapUsedAfterGc ?? null),
      });
    }
    for (const r of rss)
      if (r.warmMb !== null && r.endMb > r.warmMb + 50)
        problems.push(`${r.pod} RSS grew from ${r.warmMb} MB to ${r.endMb} MB (after a forced GC)`);
    const ms = load.record.reads.map((s) => s.ms).sort((a, b) => a - b);
    return {
      seed: o.seed,
      problems,
      faults: events,
      acknowledged: load.record.acks.length,
      attempts: load.record.attempts.length,
      reads: {
        count: ms.length,
        failed: load.record.reads.filter((s) => s.status !== 200).length,
        p50: pct(ms, 50),
        p99: pct(ms, 99),
        max: ms.at(-1) ?? 0,
      },
      convergedAfterMs: converged,
      rss,
      viewChecks: { mismatches: viewChecks.mismatches, repairs: viewChecks.repairs },
      failedStarts: cluster.pods.flatMap((p) => p.failedStarts.map((m) => `${p.name}: ${m}`)),
      durationMs: Date.now() - started,
    };
  } finally {
    await load.close();
    await cluster.close();
  }
}

/** The report as text: the seed first, so a failure can be replayed. */
export function formatReport(r: SoakReport): string {
  const kinds = new Map<string, number>();
  for (const f of r.faults) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  return [
    `seed ${r.seed}: ${r.problems.length === 0 ? 'all invariants held' : `${r.problems.length} violation(s)`}`,
    ...r.problems.map((p) => `  ✗ ${p}`),
    `faults: ${[...kinds].map(([k, n]) => `${k}×${n}`).join(', ')}`,
    `writes: ${r.attempts} sent, ${r.acknowledged} acknowledged; reads: ${r.reads.count} (${r.reads.failed} failed inside fault windows), p50/p99/max ${r.reads.p50}/${r.reads.p99}/${r.reads.max} ms`,
    `converged ${r.convergedAfterMs === null ? 'never' : `${r.convergedAfterMs} ms`} after the last fault`,
    `RSS after a forced GC, warm→end (end before GC; V8 heap used warm→end, end before GC): ${r.rss
      .map(
        (x) =>
          `${x.pod} ${x.warmMb ?? 'not yet warm'}→${x.endMb} MB (${x.endBeforeGcMb}; heap ${x.heapWarmMb ?? '-'}→${x.heapEndMb}, ${x.heapEndBeforeGcMb})`,
      )
      .join(', ')}`,
    `view checks: ${r.viewChecks.mismatches} mismatch(es) found, ${r.viewChecks.repairs} repair(s)`,
    `timeline: ${r.faults.map((f) => `${new Date(f.start).toISOString().slice(11, 23)} ${f.kind}#${f.target} ${f.end - f.start}ms`).join('; ')}`,
    `failed starts retried: ${r.failedStarts.length}${r.failedStarts.length ? ` (${r.failedStarts.slice(0, 3).join('; ')})` : ''}`,
    `took ${Math.round(r.durationMs / 1000)} s`,
  ].join('\n');
}
