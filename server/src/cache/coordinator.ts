import type { CacheStatus, RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import { ChangeFeed } from '../changelog/feed.js';
import { ChangeFollower } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import { entityOf, type LogRun, toChangeRun } from '../domain/change.js';
import type { Config } from '../platform/config.js';
import { every } from '../platform/every.js';
import type { Metrics } from '../platform/metrics.js';
import { EntityView } from '../readmodel/view.js';
import { loadViewFromPostgres } from './load-view.js';
import type { RefreshLock } from './lock/lock.js';
import { MemoryRefreshLock } from './lock/memory-lock.js';
import { RedisRefreshLock } from './lock/redis-lock.js';
import { parseMessage, ZChangesMessage, ZRefreshMessage } from './messages.js';
import { enterMemory, enterRedis } from './modes.js';
import { changesChannel, refreshChannel } from './redis/keys.js';
import { RedisLink } from './redis/link.js';
import { replayLog } from './refresh/replay.js';
import { RefreshScheduler, type RefreshTarget } from './refresh/scheduler.js';
import { cacheStatus } from './status.js';
import { MemoryStore } from './store/memory-store.js';
import type { CacheStore } from './store/types.js';
import { writeThrough } from './write-through.js';

export type CacheMode = 'redis' | 'memory';
export type CacheDeps = { config: Config; db: Db; log: Logger; metrics: Metrics };

/** How often every pod reads the change log tail: the safety net under pub/sub, and memory mode's only feed. */
const POLL_MS = 1_000;

/**
 * The redis/memory state machine of one pod. It keeps the in-process view (which serves
 * every read) current from the change log through the follower, keeps a shared store
 * (Redis, or this pod's memory store while Redis is away) current by write-through and log
 * replay, and runs full refreshes under the distributed lock. Its state is private;
 * `status()`, `mode` and `isInitialized` read it.
 */
export class CacheCoordinator {
  readonly view = new EntityView();
  readonly feed = new ChangeFeed();
  readonly follower: ChangeFollower;
  readonly redis: RedisLink | null;
  private readonly redisLock: RedisRefreshLock | null;
  private readonly memoryLock: MemoryRefreshLock;
  private readonly memory: MemoryStore;
  private readonly refresher: RefreshScheduler;
  private readonly modeState = { mode: 'memory' as CacheMode, memoryPrimed: false };
  private initialized = false;
  private lastChangeAt = 0;
  private loaded = false;
  private closed = false;
  private stops: (() => void)[] = [];
  private entering: Promise<void> | null = null;

  constructor(private readonly d: CacheDeps) {
    const { config, log } = d;
    this.follower = new ChangeFollower(
      (after, limit) => readChanges(d.db.sql, after, limit),
      (run) => this.deliver(run),
      log,
    );
    this.memoryLock = new MemoryRefreshLock(config.podId);
    this.memory = new MemoryStore(this.memoryLock, { shareWrites: true });
    this.redis = config.REDIS_URL
      ? new RedisLink(
          config.REDIS_URL,
          { prefix: config.REDIS_KEY_PREFIX, podId: config.podId, tlsCaFile: config.REDIS_TLS_CA_FILE },
          {
            onUp: () => void this.enterRedis().catch((err) => log.warn({ err }, 'could not switch back to redis yet')),
            onDown: (reason) =>
              void this.enterMemory(reason).catch((err) => log.error({ err }, 'could not switch to memory mode')),
            onResubscribed: () => void this.follower.catchUp().catch(() => undefined),
            onChanges: (raw) => this.onChangesMessage(raw),
            onRefresh: (raw) => this.onRefreshMessage(raw),
          },
          log,
        )
      : null;
    this.redisLock = this.redis ? new RedisRefreshLock(this.redis.cmd, config.REDIS_KEY_PREFIX, config.podId) : null;
    this.refresher = new RefreshScheduler(
      d,
      () => this.refreshTarget(),
      (target, r, last) =>
        target.store === this.redis?.store && r.generation !== null
          ? this.redis
              .publish(refreshChannel(config.REDIS_KEY_PREFIX), JSON.stringify({ generation: r.generation, ...last }))
              .catch(() => undefined)
          : Promise.resolve(),
    );
    this.setModeMetric();
  }

  get mode(): CacheMode {
    return this.modeState.mode;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** The store this pod writes through to right now. */
  get store(): CacheStore {
    return this.mode === 'redis' && this.redis ? this.redis.store : this.memory;
  }

  private get lock(): RefreshLock {
    return this.mode === 'redis' && this.redisLock ? this.redisLock : this.memoryLock;
  }

  /** Loads the view, picks a mode and starts the background tasks; resolves when the pod can serve. */
  async start(): Promise<void> {
    const { log } = this.d;
    const connected = this.redis ? await this.redis.waitUntilUp(3_000) : false;
    await this.loadView();
    if (connected) await this.enterRedis().catch((err) => log.warn({ err }, 'redis not usable at start'));
    if (this.mode !== 'redis') await this.enterMemory(this.redis ? 'redis unavailable at start' : 'REDIS_URL not set');
    const onError = (err: unknown) =>
      log.debug({ err: (err as Error).message }, 'background cache task failed; will retry');
    this.stops.push(every(POLL_MS, () => this.follower.catchUp(), onError));
    this.stops.push(every(POLL_MS, () => this.syncRedis(), onError));
    this.refresher.start(this.mode === 'redis');
    this.initialized = true;
    log.info({ mode: this.mode, entities: this.view.size, lastChangeId: this.follower.applied }, 'cache ready');
  }

  /**
   * The ingest commit hook: delivers the committed run to this pod at once, then writes it
   * through to Redis and publishes it, waiting at most CACHE_WRITE_THROUGH_WAIT_MS.
   * Resolves true when Redis has it, false in memory mode or when it stopped waiting.
   */
  async onCommitted(run: LogRun): Promise<boolean> {
    this.follower.offer(run);
    const redis = this.redis;
    if (this.mode !== 'redis' || !redis?.isUp) return false;
    const { config, log } = this.d;
    return writeThrough(redis, run, {
      podId: config.podId,
      channel: changesChannel(config.REDIS_KEY_PREFIX),
      waitMs: config.CACHE_WRITE_THROUGH_WAIT_MS,
      log,
    });
  }

  /** A full refresh now, unless another pod holds the lock (then says which). */
  refresh(trigger: string): Promise<RefreshResult> {
    return this.refresher.refresh(trigger);
  }

  status(): Promise<CacheStatus> {
    return cacheStatus({
      podId: this.d.config.podId,
      isInitialized: this.initialized,
      mode: this.mode,
      redis: this.redis,
      store: this.store,
      lock: this.lock,
      entityCount: this.view.size,
      lastChangeId: this.follower.applied,
      lastChangeAt: this.lastChangeAt,
      lastRefresh: this.refresher.last,
      metrics: this.d.metrics,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop();
    this.follower.stop();
    await this.refresher.close();
    await this.redis?.close();
  }

  private refreshTarget(): RefreshTarget {
    const redis = this.mode === 'redis' ? this.redis : null;
    return redis && this.redisLock
      ? { store: redis.store, bulk: redis.bulkStore, lock: this.redisLock }
      : { store: this.memory, bulk: this.memory, lock: this.memoryLock };
  }

  private async loadView(): Promise<void> {
    await loadViewFromPostgres(this.d.db, this.view, this.feed, this.follower);
    this.loaded = true;
    await this.follower.catchUp();
  }

  /** Follower sink: every change, once, in commit order. */
  private deliver(run: LogRun): void {
    for (const c of run.changes) if (c.applied) this.view.apply(entityOf(c));
    if (this.mode === 'memory')
      void this.memory
        .applyChanges(toChangeRun(run))
        .catch((err) => this.d.log.error({ err }, 'memory store write failed'));
    this.feed.push(run.changes);
    const last = run.changes.at(-1);
    if (last) {
      this.lastChangeAt = Math.max(this.lastChangeAt, last.receivedAt);
      this.d.metrics.propagationLag.observe(Math.max(0, Date.now() - last.receivedAt) / 1000);
    }
  }

  private onChangesMessage(raw: string): void {
    if (!this.loaded) return;
    const m = parseMessage(ZChangesMessage, raw, 'changes', this.d.log);
    if (m && m.pod !== this.d.config.podId) this.follower.offer({ fromId: m.fromId, toId: m.toId, changes: m.changes });
  }

  private onRefreshMessage(raw: string): void {
    const m = parseMessage(ZRefreshMessage, raw, 'refresh', this.d.log);
    if (m) this.refresher.heard({ at: m.at, durationMs: m.durationMs, podId: m.podId, entityCount: m.entityCount });
  }

  /** Back to Redis once it holds everything PostgreSQL has (see modes.ts). */
  private enterRedis(): Promise<void> {
    const redis = this.redis;
    const lock = this.redisLock;
    if (!redis || !lock || this.closed || !this.loaded || this.mode === 'redis') return Promise.resolve();
    const refresh = (trigger: string) =>
      this.refresher.refresh(trigger, { store: redis.store, bulk: redis.bulkStore, lock });
    this.entering ??= enterRedis({ ...this.modeDeps(), redis, refresh }).finally(() => {
      this.entering = null;
    });
    return this.entering;
  }

  private enterMemory(reason: string): Promise<void> {
    return enterMemory({ ...this.modeDeps(), view: this.view, memoryLock: this.memoryLock }, reason);
  }

  private modeDeps() {
    const { follower, memory } = this;
    return { ...this.d, follower, memory, state: this.modeState, onModeChanged: () => this.setModeMetric() };
  }

  /** Repairs Redis from the log when a write-through was missed (a pod died, a command timed out). */
  private async syncRedis(): Promise<void> {
    const redis = this.redis;
    if (!redis?.isUp) return;
    // Redis is reachable but an earlier switch back did not finish (e.g. another pod was rebuilding it): retry.
    if (this.mode === 'memory') return this.enterRedis();
    const meta = await redis.store.meta();
    if (!meta) {
      await this.refresh('redis cache missing');
      return;
    }
    if (meta.appliedChangeId < this.follower.applied)
      await replayLog(this.d.db.sql, redis.store, meta.appliedChangeId, this.follower.applied);
  }

  private setModeMetric(): void {
    for (const mode of ['redis', 'memory'] as const) this.d.metrics.cacheMode.set({ mode }, this.mode === mode ? 1 : 0);
  }
}
