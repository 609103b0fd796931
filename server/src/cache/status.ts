import type { CacheStatus, FleetPod } from '@sla/shared';
import type { Metrics } from '../platform/metrics.js';
import type { KnownStore } from './known-state.js';
import type { RedisLink } from './redis/link.js';
import type { LastRefresh } from './refresh/scheduler.js';

/** What the coordinator knows of itself, read when a status is asked for. */
export type StatusSource = {
  podId: string;
  isInitialized: boolean;
  mode: 'redis' | 'memory';
  redis: RedisLink | null;
  /** The store's meta, counts and lock holder as last read in the background. */
  known: KnownStore;
  entityCount: number;
  lastChangeId: number;
  lastChangeAt: number;
  lastRefresh: LastRefresh | null;
  logEpoch: string | null;
  /** PostgreSQL as the pod's own queries last found it (db/gate.ts `available`). */
  databaseAvailable: boolean;
  metrics: Metrics;
  /** The fleet as this pod last knew it (heartbeat.ts). */
  pods: FleetPod[];
};

const counted = async (metrics: Metrics, result: 'hit' | 'miss') =>
  (await metrics.cacheReads.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

/**
 * `cache.status`: the original design's fields (isInitialized, mode, lastUpdated,
 * cacheExists, redisConnection, subscriberConnection) plus this pod's id, generation,
 * entity count, last applied change id, read hits/misses (from the prom-client counter),
 * last refresh and lock holder. It asks no one: the store's values are the last known
 * ones (see known-state.ts), so it answers within milliseconds while Redis is frozen.
 */
export async function cacheStatus(s: StatusSource): Promise<CacheStatus> {
  const { meta, counts, lockHolder: holder } = s.known;
  const [hits, misses] = await Promise.all([counted(s.metrics, 'hit'), counted(s.metrics, 'miss')]);
  const last = Math.max(s.lastChangeAt, meta?.builtAt ?? 0, s.lastRefresh ? Date.parse(s.lastRefresh.at) : 0);
  return {
    isInitialized: s.isInitialized,
    mode: s.mode,
    lastUpdated: last > 0 ? new Date(last).toISOString() : null,
    cacheExists: { entities: counts.entities > 0, teams: counts.teams > 0 },
    redisConnection: s.redis ? s.redis.cmd.status : 'disabled',
    subscriberConnection: s.redis ? s.redis.sub.status : 'disabled',
    podId: s.podId,
    generation: meta?.generation ?? null,
    entityCount: s.entityCount,
    lastChangeId: s.lastChangeId,
    hits,
    misses,
    lastRefresh: s.lastRefresh,
    lockHolder: holder,
    logEpoch: s.logEpoch,
    database: s.databaseAvailable ? 'ok' : 'unavailable',
    pods: s.pods,
  };
}

/** A scrape waits this long (ms) for Redis INFO, then answers with the values of the last read. */
const INFO_WAIT_MS = 50;
const infoReads = new WeakMap<RedisLink, Promise<void>>();

/**
 * Redis memory and clients for /metrics (the original's monitoring advice). INFO is read
 * at scrape time, but a scrape waits at most INFO_WAIT_MS for it: a frozen Redis must not
 * hold /metrics for a command timeout (the read finishes in the background and the next
 * scrape shows it).
 */
export async function collectRedisMetrics(redis: RedisLink | null, m: Metrics): Promise<void> {
  m.redisConnectionUp.set({ connection: 'command' }, redis?.cmd.status === 'ready' ? 1 : 0);
  m.redisConnectionUp.set({ connection: 'subscriber' }, redis?.sub.status === 'ready' ? 1 : 0);
  if (!redis?.isUp) return;
  let read = infoReads.get(redis);
  if (!read) {
    read = readInfo(redis, m).finally(() => infoReads.delete(redis));
    infoReads.set(redis, read);
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([read, new Promise<void>((resolve) => (timer = setTimeout(resolve, INFO_WAIT_MS)))]);
  clearTimeout(timer);
}

async function readInfo(redis: RedisLink, m: Metrics): Promise<void> {
  const info = await redis.cmd.info().catch(() => '');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const used = field('used_memory');
  const clients = field('connected_clients');
  if (Number.isFinite(used)) m.redisUsedMemory.set(used);
  if (Number.isFinite(clients)) m.redisConnectedClients.set(clients);
}
