import type { FleetPod } from '@sla/shared';
import type { HeartbeatMessage } from './messages.js';

/** A heartbeat older than this many intervals means the pod is gone (the Redis key's TTL, the PostgreSQL row's age). */
export const HEARTBEAT_TTL_INTERVALS = 3;

/** How long (ms) a pod stays listed after its last heartbeat. */
export const heartbeatTtlMs = (intervalMs: number): number => HEARTBEAT_TTL_INTERVALS * intervalMs;

/**
 * How many changes a pod is behind, as the pod itself can tell: the newest change id it
 * knows of (its own, or any heartbeat's head it has read) minus the last one it applied.
 * Every head it knows is from the past, so a pod that keeps up never reports a lag.
 */
export function selfLag(applied: number, knownHeads: Iterable<number>): number {
  let head = applied;
  for (const h of knownHeads) if (h > head) head = h;
  return head - applied;
}

/**
 * The fleet as the given heartbeats describe it (newest per pod; those older than `ttlMs`
 * at `now` left out), ordered by pod id. A pod's lag is the larger of what it reported and
 * how far its head is behind the fleet's head *as of its heartbeat*: the largest head among
 * the heartbeats of `history` (the listing pod's recent ones, any pod's; by default `beats`)
 * sent no later than its own. Comparing with later heartbeats would make a pod that keeps
 * up look behind by the changes written since it last beat.
 */
export function fleetView(
  beats: Iterable<HeartbeatMessage>,
  now: number,
  ttlMs: number,
  history?: Iterable<HeartbeatMessage>,
): FleetPod[] {
  const newest = new Map<string, HeartbeatMessage & { atMs: number }>();
  for (const b of beats) {
    const atMs = Date.parse(b.at);
    if (!(now - atMs <= ttlMs)) continue;
    const seen = newest.get(b.pod);
    if (!seen || seen.atMs < atMs) newest.set(b.pod, { ...b, atMs });
  }
  const all = [...newest.values()];
  const heads = [...(history ?? all)].map((b) => ({ atMs: Date.parse(b.at), headId: b.headId }));
  return all
    .sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0))
    .map((b) => {
      const headThen = heads.reduce((head, o) => (o.atMs <= b.atMs && o.headId > head ? o.headId : head), b.headId);
      return {
        podId: b.pod,
        version: b.version,
        mode: b.mode,
        lastChangeId: b.headId,
        lag: Math.max(b.lagChanges, headThen - b.headId),
        subscribers: b.subscribers,
        startedAt: b.startedAt,
        lastSeenAt: b.at,
      };
    });
}
