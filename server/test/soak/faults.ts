import { Redis } from 'ioredis';
import type { Pod, SoakCluster } from './cluster.js';

export const FAULT_KINDS = [
  'redis-kill',
  'redis-freeze',
  'redis-flushall',
  'pubsub-kill',
  'pg-refuse',
  'pg-blackhole',
  'pod-sigkill',
  'pod-sigterm',
  'concurrent-refresh',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One planned fault: when it starts (ms after the fault phase begins), for how long, and on what. */
export type PlannedFault = { kind: FaultKind; atMs: number; holdMs: number; target: number };
/**
 * What happened: wall-clock start and the time the harness undid it (the fault's recovery
 * starts there); `waitedMs`: how long a pod fault waited for the previous one to finish.
 */
export type FaultEvent = PlannedFault & { start: number; end: number; waitedMs?: number; error?: string };

/**
 * The fault schedule for a seed: starts spread over `durationMs`, each held 1–5 s. Pod
 * faults are planned at least 15 s apart; since a restart that meets a PostgreSQL fault can
 * take longer than that, `PodTurns` also makes them take turns when they run. Other faults
 * may overlap anything, so outages combine as real ones do.
 */
export function planFaults(rand: () => number, durationMs: number, pods: number): PlannedFault[] {
  const plan: PlannedFault[] = [];
  let podBusyUntil = 0;
  for (let at = 1_000 + rand() * 2_000; at < durationMs - 2_000; at += 2_000 + rand() * 4_000) {
    let kind = FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)] as FaultKind;
    const holdMs = Math.round(1_000 + rand() * 4_000);
    const target = Math.floor(rand() * pods);
    if (kind.startsWith('pod-')) {
      if (at < podBusyUntil) kind = 'pubsub-kill';
      else podBusyUntil = at + holdMs + 15_000;
    }
    plan.push({ kind, atMs: Math.round(at), holdMs, target });
  }
  return plan;
}

/**
 * Runs pod faults one at a time: a pod fault whose time comes while the previous one's pod is
 * still down (e.g. its restart is retrying through a PostgreSQL fault) waits until that pod is
 * ready again, so two pods are never down at once and at least two keep serving.
 */
export class PodTurns {
  private last: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves with its result and the wait, ms. */
  run<T>(task: () => Promise<T>): Promise<{ result: T; waitedMs: number }> {
    const queued = Date.now();
    const mine = this.last.then(async () => {
      const waitedMs = Date.now() - queued;
      return { result: await task(), waitedMs };
    });
    this.last = mine.catch(() => undefined);
    return mine;
  }
}

/** Injects a fault; pod faults take their turn in `turns` (see PodTurns). */
export async function injectInTurn(cluster: SoakCluster, f: PlannedFault, turns: PodTurns): Promise<FaultEvent> {
  if (!f.kind.startsWith('pod-')) return inject(cluster, f);
  const { result, waitedMs } = await turns.run(() => inject(cluster, f));
  return waitedMs > 0 ? { ...result, waitedMs } : result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Injects one fault for real, holds it, undoes it; resolves with its timeline entry. */
export async function inject(cluster: SoakCluster, f: PlannedFault): Promise<FaultEvent> {
  const start = Date.now();
  const pod = cluster.pods[f.target % cluster.pods.length] as Pod;
  let error: string | undefined;
  try {
    switch (f.kind) {
      case 'redis-kill':
        await cluster.redis.stop();
        await sleep(f.holdMs);
        await cluster.redis.start(); // no persistence: it comes back empty
        break;
      case 'redis-freeze':
        cluster.redis.freeze();
        await sleep(f.holdMs);
        cluster.redis.thaw();
        break;
      case 'redis-flushall':
        await redisCommand(cluster, ['FLUSHALL']);
        break;
      case 'pubsub-kill':
        await redisCommand(cluster, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
        break;
      case 'pg-refuse':
        cluster.refusePostgres();
        await sleep(f.holdMs);
        cluster.healPostgres();
        break;
      case 'pg-blackhole':
        cluster.blackholePostgres();
        await sleep(f.holdMs);
        cluster.healPostgres();
        break;
      case 'pod-sigkill':
      case 'pod-sigterm':
        await cluster.stopPod(pod, f.kind === 'pod-sigkill' ? 'SIGKILL' : 'SIGTERM');
        await sleep(Math.min(f.holdMs, 2_000));
        await cluster.restartPod(pod);
        break;
      case 'concurrent-refresh': {
        const other = cluster.pods[(f.target + 1) % cluster.pods.length] as Pod;
        await Promise.all(
          [pod, other].map((p) =>
            fetch(`${p.url}/api/cache/refresh`, { method: 'POST', signal: AbortSignal.timeout(60_000) }).then(
              (r) => r.arrayBuffer(),
              () => undefined,
            ),
          ),
        );
        break;
      }
    }
  } catch (err) {
    error = (err as Error).message;
  }
  return { ...f, start, end: Date.now(), ...(error ? { error } : {}) };
}

async function redisCommand(cluster: SoakCluster, args: string[]): Promise<void> {
  const client = new Redis(cluster.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  try {
    await client.connect();
    await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}
