import type { CacheStatus } from '@sla/shared';
import type { Metrics } from '../platform/metrics.js';
import type { RefreshLock } from './lock/lock.js';
import type { RedisLink } from './redis/link.js';
import type { LastRefresh } from './refresh/scheduler.js';
import type { CacheStore } from './store/types.js';

/** What the coordinator knows of itself, read when a status is asked for. */
export type StatusSource = {
  podId: string;
  isInitialized: boolean;
  mode: 'redis' | 'memory';
  redis: RedisLink | null;
  store: CacheStore;
  lock: RefreshLock;
  entityCount: number;
  lastChangeId: number;
  lastChangeAt: number;
  lastRefresh: LastRefresh | null;
  metrics: Metrics;
};

const counted = async (metrics: Metrics, result: 'hit' | 'miss') =>
  (await metrics.cacheReads.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

/**
 * `cache.status`: the original design's fields (isInitialized, mode, lastUpdated,
 * cacheExists, redisConnection, subscriberConnection) plus this pod's id, generation,
 * entity count, last applied change id, read hits/misses (from the prom-client counter),
 * last refresh and lock holder. Store reads that fail answer as "unknown" (null/0).
 */
export async function cacheStatus(s: StatusSource): Promise<CacheStatus> {
  const [meta, counts, holder, hits, misses] = await Promise.all([
    s.store.meta().catch(() => null),
    s.store.counts().catch(() => ({ entities: 0, teams: 0 })),
    s.lock.holder().catch(() => null),
    counted(s.metrics, 'hit'),
    counted(s.metrics, 'miss'),
  ]);
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
  };
}

/** Redis memory and clients for /metrics (the original's monitoring advice), read at scrape time. */
export async function collectRedisMetrics(redis: RedisLink | null, m: Metrics): Promise<void> {
  m.redisConnectionUp.set({ connection: 'command' }, redis?.cmd.status === 'ready' ? 1 : 0);
  m.redisConnectionUp.set({ connection: 'subscriber' }, redis?.sub.status === 'ready' ? 1 : 0);
  if (!redis?.isUp) return;
  const info = await redis.cmd.info().catch(() => '');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const used = field('used_memory');
  const clients = field('connected_clients');
  if (Number.isFinite(used)) m.redisUsedMemory.set(used);
  if (Number.isFinite(clients)) m.redisConnectedClients.set(clients);
}
