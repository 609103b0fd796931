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
/** What happened: wall-clock start and the time the harness undid it (the fault's recovery starts there). */
export type FaultEvent = PlannedFault & { start: number; end: number; error?: string };

/**
 * The fault schedule for a seed: starts spread over `durationMs`, each held 1–5 s. Pod
 * faults never overlap each other (at least two pods keep serving); other faults may
 * overlap anything, so outages combine as real ones do.
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
