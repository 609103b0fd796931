import { z } from 'zod';

export const CACHE_MODES = ['redis', 'memory'] as const;
/** ioredis connection states, plus "disabled" when REDIS_URL is unset. */
export const ZConnectionState = z.string();

/** One pod of the fleet, as its latest heartbeat (at most 3 heartbeat intervals old) describes it. */
export const ZFleetPod = z.object({
  podId: z.string(),
  /** BUILD_VERSION of the pod (or its package version). */
  version: z.string(),
  mode: z.enum(CACHE_MODES),
  /** The last change id the pod had applied when it sent the heartbeat. */
  lastChangeId: z.number().int(),
  /** Changes the pod was behind the fleet's head (the newest change id any pod had seen by then). */
  lag: z.number().int().nonnegative(),
  /** Live-change (WebSocket) subscribers served by the pod. */
  subscribers: z.number().int().nonnegative(),
  startedAt: z.string(),
  lastSeenAt: z.string(),
});
export type FleetPod = z.infer<typeof ZFleetPod>;

export const ZCacheStatus = z.object({
  // The original design's fields, unchanged.
  isInitialized: z.boolean(),
  mode: z.enum(CACHE_MODES),
  lastUpdated: z.string().nullable(),
  cacheExists: z.object({ entities: z.boolean(), teams: z.boolean() }),
  redisConnection: ZConnectionState,
  subscriberConnection: ZConnectionState,
  // Additions.
  podId: z.string(),
  generation: z.number().int().nullable(),
  entityCount: z.number().int(),
  lastChangeId: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  lastRefresh: z
    .object({ at: z.string(), durationMs: z.number(), podId: z.string(), entityCount: z.number().int() })
    .nullable(),
  lockHolder: z.string().nullable(),
  /** The change log's epoch (the first part of a change cursor); null before it is known. */
  logEpoch: z.string().nullable(),
  /**
   * PostgreSQL as this pod last found it. `unavailable`: reads are served from the cache,
   * while ingest and history (which need PostgreSQL) answer 503 until it returns.
   */
  database: z.enum(['ok', 'unavailable']),
  /**
   * Every pod of the fleet that sent a heartbeat within the last 3 intervals (Redis keys in
   * redis mode, PostgreSQL rows otherwise), this pod included, ordered by pod id.
   */
  pods: z.array(ZFleetPod),
});
export type CacheStatus = z.infer<typeof ZCacheStatus>;

export const ZRefreshResult = z.object({
  started: z.boolean(),
  /** Pod holding the refresh lock when this one could not take it. */
  heldBy: z.string().nullable(),
  generation: z.number().int().nullable(),
  entityCount: z.number().int().nullable(),
  durationMs: z.number().nullable(),
});
export type RefreshResult = z.infer<typeof ZRefreshResult>;

/** Message on the `<prefix>refresh` channel. */
export type RefreshAnnouncement = {
  generation: number;
  entityCount: number;
  durationMs: number;
  podId: string;
  at: string;
};
