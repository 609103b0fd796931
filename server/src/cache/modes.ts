import type { RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { ChangeFollower } from '../changelog/follower.js';
import type { Db } from '../db/sql.js';
import type { Config } from '../platform/config.js';
import type { EntityView } from '../readmodel/view.js';
import type { MemoryRefreshLock } from './lock/memory-lock.js';
import type { RedisLink } from './redis/link.js';
import { replayLog } from './refresh/replay.js';
import type { MemoryStore } from './store/memory-store.js';
import type { GenerationMeta } from './store/types.js';

/** The coordinator's mode, shared with the transitions below. */
export type ModeState = { mode: 'redis' | 'memory'; memoryPrimed: boolean };

type Common = {
  config: Config;
  db: Db;
  log: Logger;
  follower: ChangeFollower;
  state: ModeState;
  memory: MemoryStore;
  onModeChanged: () => void;
};

/**
 * Memory → redis, only once Redis holds everything PostgreSQL has: the log is replayed
 * into Redis from its own watermark, or — when Redis lost its data — a full refresh (ours,
 * or another pod's that we wait for) rebuilds it first. The pod never serves a Redis state
 * older than PostgreSQL. Throws when Redis is still being rebuilt (the caller retries).
 */
export async function enterRedis(
  d: Common & { redis: RedisLink; refresh: (trigger: string) => Promise<RefreshResult> },
): Promise<void> {
  const { redis } = d;
  await d.follower.catchUp();
  let meta = await redis.store.meta();
  if (!meta) {
    const r = await d.refresh('redis had no cache');
    if (!r.started) await waitForGeneration(redis, d.config.CACHE_LOCK_TIMEOUT_MS);
    meta = await redis.store.meta();
    if (!meta) throw new Error('redis cache is still being rebuilt by another pod');
  }
  await replayLog(d.db.sql, redis.store, meta.appliedChangeId, d.follower.applied);
  if (!redis.isUp) return;
  d.state.mode = 'redis';
  d.onModeChanged();
  await d.memory.clear();
  d.state.memoryPrimed = false;
  d.log.info({ lastChangeId: d.follower.applied }, 'cache mode: redis');
}

async function waitForGeneration(redis: RedisLink, timeoutMs: number): Promise<GenerationMeta | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && redis.isUp) {
    const meta = await redis.store.meta();
    if (meta) return meta;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/**
 * → memory: the pod's memory store is primed from the view (numbered and fenced like any
 * refresh of it; if one is running, that one produces a complete generation by itself),
 * then the log is replayed over it, so nothing is missing when it starts serving.
 */
export async function enterMemory(
  d: Common & { view: EntityView; memoryLock: MemoryRefreshLock },
  reason: string,
): Promise<void> {
  if (d.state.mode === 'memory' && d.state.memoryPrimed) return;
  const wasRedis = d.state.mode === 'redis';
  d.state.mode = 'memory';
  d.onModeChanged();
  if (wasRedis) d.log.warn({ reason }, 'cache mode: memory (redis unavailable)');
  const got = await d.memoryLock.acquire(d.config.CACHE_LOCK_TIMEOUT_MS);
  if (!got) return;
  const applied = d.follower.applied;
  try {
    await d.memory.beginGeneration(got.fence, applied);
    await d.memory.writeSnapshot(got.fence, [...d.view.entities()]);
    const meta = {
      generation: got.fence,
      appliedChangeId: applied,
      entityCount: 0,
      teamCount: 0,
      builtAt: Date.now(),
      builtBy: d.config.podId,
      durationMs: 0,
    };
    if ((await d.memory.switchGeneration(meta, got.token)) === 'switched') d.state.memoryPrimed = true;
  } finally {
    await d.memoryLock.release(got.token);
  }
  await replayLog(d.db.sql, d.memory, applied, d.follower.applied).catch(() => undefined);
}
