import type { CacheStatus } from '@sla/shared';

/**
 * How this pod caches, as the dashboard tells it:
 * - `shared`: Redis serves (mode `redis`); the normal setup, nothing to say.
 * - `standalone`: REDIS_URL is unset (`redisConnection: "disabled"`), a deliberate setup
 *   (one pod, the laptop run): the pod keeps its own cache. Said calmly on the System page,
 *   never as a warning, because nothing is wrong.
 * - `degraded`: Redis is configured but the pod serves from memory, because Redis is
 *   unreachable (`connection` is the ioredis state, e.g. "reconnecting") or, when
 *   `connection` is "ready", because Redis is back and is being caught up. Every page says so.
 */
export type CacheMode = { kind: 'shared' } | { kind: 'standalone' } | { kind: 'degraded'; connection: string };

/** The mode of a `cache.status` answer (fields `mode` and `redisConnection`). */
export function cacheModeOf(status: Pick<CacheStatus, 'mode' | 'redisConnection'>): CacheMode {
  if (status.redisConnection === 'disabled') return { kind: 'standalone' };
  if (status.mode === 'redis') return { kind: 'shared' };
  return { kind: 'degraded', connection: status.redisConnection };
}
