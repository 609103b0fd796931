import type { RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { ChangeFollower } from '../changelog/follower.js';
import { logHead } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import type { Config } from '../platform/config.js';
import { isDatabaseUnavailable } from '../platform/errors.js';
import type { EntityView } from '../readmodel/view.js';
import type { MemoryRefreshLock } from './lock/memory-lock.js';
import type { LogIdentity, Verdict } from './log-identity.js';
import type { RedisLink } from './redis/link.js';
import { replayLog } from './refresh/replay.js';
import type { MemoryStore } from './store/memory-store.js';
import type { GenerationMeta } from './store/types.js';

/** The coordinator's mode, shared with the transitions below. */
type ModeState = {
  mode: 'redis' | 'memory';
  memoryPrimed: boolean;
  /** Since when (epoch ms) Redis has been behind the log with its repair failing; null when level. */
  redisBehindSince?: number | null;
};

/**
 * How long Redis may stay behind the log, its repair refused, before the pod leaves redis
 * mode: answers the ping yet refuses writes (a cluster shard without a replica under
 * `min-replicas-to-write`, `NOREPLICAS`; a full server, `OOM`), so the link stays up.
 */
export const REDIS_BEHIND_LIMIT_MS = 5_000;

type Common = {
  config: Config;
  db: Db;
  log: Logger;
  follower: ChangeFollower;
  state: ModeState;
  memory: MemoryStore;
  identity: LogIdentity;
  onModeChanged: () => void;
};

type RedisDeps = Common & { redis: RedisLink; refresh: (trigger: string) => Promise<RefreshResult> };

/**
 * Memory → redis, only once Redis holds everything PostgreSQL has: the log is replayed
 * into Redis from its own watermark, or — when Redis lost its data or holds another log
 * (another epoch) — a full refresh (ours, or another pod's that we wait for) rebuilds it
 * first. A watermark of this epoch ahead of the log's head means the database was
 * restored from a backup: the log is declared replaced (new epoch, reload, rebuild). The
 * pod never serves a Redis state older than PostgreSQL, nor one of another log. Throws
 * when Redis is still being rebuilt (the caller retries).
 */
export async function enterRedis(d: RedisDeps): Promise<void> {
  const { redis, identity } = d;
  // Up to the log's head, the tail first (this head is only a target: the check below reads its own after the meta).
  const target = await logHead(d.db.sql).catch(ifDatabaseDown(null));
  await d.follower.catchUp(target ?? 'tail').catch(ifDatabaseDown(undefined));
  let meta = await redis.store.meta();
  let why = 'redis had no cache';
  // PostgreSQL away: a generation of this pod's epoch is taken as it is (nothing newer can be committed meanwhile).
  const head = await logHead(d.db.sql).catch(ifDatabaseDown(null));
  let verdict: Verdict = !meta
    ? 'current'
    : head === null
      ? meta.epoch === identity.epoch
        ? 'current'
        : 'foreign'
      : identity.judge(meta, head);
  if (meta && verdict === 'restored') {
    await identity.replaced(`redis watermark ${meta.appliedChangeId} is ahead of the change log's head`);
    // A new epoch was minted: the generation belongs to the replaced log now.
    verdict = 'foreign';
  }
  if (verdict === 'foreign') {
    d.log.warn({ generationEpoch: meta?.epoch ?? null, epoch: identity.epoch }, 'redis holds another change log');
    [meta, why] = [null, 'redis holds another change log'];
  }
  if (!meta) {
    const r = await d.refresh(why);
    if (!r.started) await waitForGeneration(redis, d.config.CACHE_LOCK_TIMEOUT_MS, identity.epoch);
    meta = await redis.store.meta();
    if (!meta || meta.epoch !== identity.epoch) throw new Error('redis cache is still being rebuilt by another pod');
  }
  if (meta.appliedChangeId < d.follower.applied)
    await replayLog(d.db.sql, redis.store, meta.appliedChangeId, d.follower.applied);
  if (!redis.isUp) return;
  d.state.mode = 'redis';
  d.onModeChanged();
  await d.memory.clear();
  d.state.memoryPrimed = false;
  d.log.info({ lastChangeId: d.follower.applied }, 'cache mode: redis');
}

/**
 * The redis-mode sync loop: repairs Redis from the log when a write-through was missed (a
 * pod died, a command timed out), rebuilds it when it is missing or of another log, and
 * adopts an epoch another pod minted. In memory mode with Redis reachable, retries the
 * switch back (an earlier one did not finish, e.g. another pod was rebuilding Redis).
 */
export async function syncRedis(
  d: RedisDeps & { enterRedis: () => Promise<void>; enterMemory: (reason: string) => Promise<void> },
): Promise<void> {
  const { redis, identity } = d;
  if (!redis.isUp) return;
  if (d.state.mode === 'memory') return d.enterRedis();
  const meta = await redis.store.meta();
  if (!meta) {
    await d.refresh('redis cache missing');
    return;
  }
  if (meta.epoch !== identity.epoch) {
    // Either another pod found the log replaced (adopt its epoch) or Redis is of another log (rebuild).
    await identity.verify(d.follower.applied);
    if (meta.epoch !== identity.epoch) await d.refresh('redis holds another change log');
    return;
  }
  if (meta.appliedChangeId >= d.follower.applied) {
    d.state.redisBehindSince = null;
    return;
  }
  d.state.redisBehindSince ??= Date.now();
  const since = d.state.redisBehindSince;
  try {
    await replayLog(d.db.sql, redis.store, meta.appliedChangeId, d.follower.applied);
    d.state.redisBehindSince = null;
  } catch (err) {
    if (isDatabaseUnavailable(err) || Date.now() - since < REDIS_BEHIND_LIMIT_MS) throw err;
    d.state.redisBehindSince = null;
    // Serving on as if Redis were current would leave it behind PostgreSQL unnoticed: memory
    // mode says so (health degraded), and the switch back replays the log once Redis takes writes.
    await d.enterMemory(`redis refuses writes: ${(err as Error).message}`);
  }
}

/** A rejection handler: `fallback` when PostgreSQL is unavailable, any other error rethrown. */
const ifDatabaseDown =
  <T>(fallback: T) =>
  (err: unknown): T => {
    if (isDatabaseUnavailable(err)) return fallback;
    throw err;
  };

/** Waits for a generation of `epoch` to be current (another pod's refresh). */
async function waitForGeneration(
  redis: RedisLink,
  timeoutMs: number,
  epoch: string | null,
): Promise<GenerationMeta | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && redis.isUp) {
    const meta = await redis.store.meta();
    if (meta && meta.epoch === epoch) return meta;
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
      epoch: d.identity.epoch,
    };
    if ((await d.memory.switchGeneration(meta, got.token)) === 'switched') d.state.memoryPrimed = true;
  } finally {
    await d.memoryLock.release(got.token);
  }
  await replayLog(d.db.sql, d.memory, applied, d.follower.applied).catch(() => undefined);
}
