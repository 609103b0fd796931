import type { CacheStatus, RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import { ChangeFeed } from '../changelog/feed.js';
import { ChangeFollower } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import { entityOf, type LogChange, type LogRun, toLogChange } from '../domain/change.js';
import type { CommittedRun } from '../ingest/writer.js';
import type { Config } from '../platform/config.js';
import type { Metrics } from '../platform/metrics.js';
import { EntityView } from '../readmodel/view.js';
import { MemoryRefreshLock } from './lock/lock.js';
import { changesChannel, refreshChannel } from './redis/keys.js';
import { RedisLink } from './redis/link.js';
import { readSnapshot } from './refresh/pg-snapshot.js';
import { runRefresh } from './refresh/refresh.js';
import { replayLog, toChangeRun } from './refresh/replay.js';
import { MemoryStore } from './store/memory-store.js';
import type { CacheStore } from './store/types.js';

export type CacheMode = 'redis' | 'memory';
export type LastRefresh = { at: string; durationMs: number; podId: string; entityCount: number };
type ChangesMessage = { pod: string; fromId: number; toId: number; changes: LogChange[] };

/** Changes read into the replay ring at start-up. */
const RING_PRIME = 10_000;

/** Longest a request waits for its Redis write-through before answering anyway. */
const WRITE_THROUGH_WAIT_MS = 250;

/** How often every pod reads the change log tail: the safety net under pub/sub, and memory mode's only feed. */
const POLL_MS = 1_000;

/**
 * The pod's cache: an in-process view that serves every read, kept current from the
 * change log; a shared store (Redis, or memory while Redis is away) kept current by
 * write-through and by replaying the log; full refreshes under a distributed lock.
 */
export class CacheService {
  readonly view = new EntityView();
  readonly feed = new ChangeFeed();
  readonly follower: ChangeFollower;
  readonly memoryLock: MemoryRefreshLock;
  readonly memory: MemoryStore;
  readonly redis: RedisLink | null;
  mode: CacheMode = 'memory';
  isInitialized = false;
  hits = 0;
  misses = 0;
  lastRefresh: LastRefresh | null = null;
  private lastChangeAt = 0;
  private loaded = false;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private entering: Promise<void> | null = null;
  private refreshing: Promise<RefreshResult> | null = null;
  private memoryPrimed = false;

  constructor(private readonly d: { config: Config; db: Db; log: Logger; metrics: Metrics }) {
    this.follower = new ChangeFollower(
      (after, limit) => readChanges(d.db.sql, after, limit),
      (run) => this.deliver(run),
      d.log,
    );
    this.memoryLock = new MemoryRefreshLock(d.config.podId);
    this.memory = new MemoryStore(this.memoryLock, { shareWrites: true });
    const url = d.config.REDIS_URL;
    this.redis = url
      ? new RedisLink(
          url,
          { prefix: d.config.REDIS_KEY_PREFIX, podId: d.config.podId, tlsCaFile: d.config.REDIS_TLS_CA_FILE },
          {
            onUp: () =>
              void this.enterRedis().catch((err) => d.log.warn({ err }, 'could not switch back to redis yet')),
            onDown: (reason) => void this.enterMemory(reason),
            onResubscribed: () => void this.follower.catchUp().catch(() => undefined),
            onChanges: (m) => this.onChangesMessage(m),
            onRefresh: (m) => this.onRefreshMessage(m),
          },
          d.log,
        )
      : null;
    this.setModeMetric();
  }

  /** The store this pod writes through to right now. */
  get store(): CacheStore {
    return this.mode === 'redis' && this.redis ? this.redis.store : this.memory;
  }

  async start(): Promise<void> {
    const { log, config } = this.d;
    const connected = this.redis ? await this.redis.waitUntilUp(3_000) : false;
    await this.loadView();
    if (connected) await this.enterRedis().catch((err) => log.warn({ err }, 'redis not usable at start'));
    if (this.mode !== 'redis') await this.enterMemory(this.redis ? 'redis unavailable at start' : 'REDIS_URL not set');
    this.every(POLL_MS, () => this.follower.catchUp());
    this.every(POLL_MS, () => this.syncRedis());
    this.scheduleRefresh(this.nextRefreshDelay(null));
    this.isInitialized = true;
    log.info({ mode: this.mode, entities: this.view.size, lastChangeId: this.follower.applied }, 'cache ready');
    if (this.mode === 'redis' && config.CACHE_REFRESH_INTERVAL_HOURS > 0) void this.refreshIfDue();
  }

  /** Called by the ingest writer right after its transaction committed. */
  async onCommitted(run: CommittedRun): Promise<void> {
    if (this.d.config.FAULT_INJECTION === 'kill-after-commit') process.kill(process.pid, 'SIGKILL');
    const logRun: LogRun = { fromId: run.fromId, toId: run.toId, changes: run.changes.map(toLogChange) };
    this.follower.offer(logRun);
    const redis = this.redis;
    if (this.mode !== 'redis' || !redis?.isUp) return;
    const message: ChangesMessage = { pod: this.d.config.podId, ...logRun };
    const written = Promise.all([
      redis.store.applyChanges(toChangeRun(logRun)),
      redis.publish(changesChannel(this.d.config.REDIS_KEY_PREFIX), JSON.stringify(message)),
    ]).catch((err) =>
      this.d.log.warn({ err: (err as Error).message }, 'redis write-through failed; the log replay will repair it'),
    );
    // The change is committed and already in this pod's view: a Redis that stopped answering
    // must not hold the poller's 2xx for the full command timeout. The log replay repairs Redis.
    await Promise.race([written, new Promise((r) => setTimeout(r, WRITE_THROUGH_WAIT_MS).unref())]);
  }

  /** A full refresh now, unless another pod holds the lock (then says which). */
  refresh(trigger: string): Promise<RefreshResult> {
    this.refreshing ??= this.doRefresh(trigger).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async status(): Promise<CacheStatus> {
    const store = this.store;
    const lock = this.mode === 'redis' && this.redis ? this.redis.lock : this.memoryLock;
    const [meta, counts, holder] = await Promise.all([
      store.meta().catch(() => null),
      store.counts().catch(() => ({ entities: 0, teams: 0 })),
      lock.holder().catch(() => null),
    ]);
    const last = Math.max(
      this.lastChangeAt,
      meta?.builtAt ?? 0,
      this.lastRefresh ? Date.parse(this.lastRefresh.at) : 0,
    );
    return {
      isInitialized: this.isInitialized,
      mode: this.mode,
      lastUpdated: last > 0 ? new Date(last).toISOString() : null,
      cacheExists: { entities: counts.entities > 0, teams: counts.teams > 0 },
      redisConnection: this.redis ? this.redis.cmd.status : 'disabled',
      subscriberConnection: this.redis ? this.redis.sub.status : 'disabled',
      podId: this.d.config.podId,
      generation: meta?.generation ?? null,
      entityCount: this.view.size,
      lastChangeId: this.follower.applied,
      hits: this.hits,
      misses: this.misses,
      lastRefresh: this.lastRefresh,
      lockHolder: holder,
    };
  }

  /** Redis memory and clients for /metrics (the original's monitoring advice), read at scrape time. */
  async collectRedisMetrics(): Promise<void> {
    const m = this.d.metrics;
    m.redisConnectionUp.set({ connection: 'command' }, this.redis?.cmd.status === 'ready' ? 1 : 0);
    m.redisConnectionUp.set({ connection: 'subscriber' }, this.redis?.sub.status === 'ready' ? 1 : 0);
    if (!this.redis?.isUp) return;
    const info = await this.redis.cmd.info().catch(() => '');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    const used = field('used_memory');
    const clients = field('connected_clients');
    if (Number.isFinite(used)) m.redisUsedMemory.set(used);
    if (Number.isFinite(clients)) m.redisConnectedClients.set(clients);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.follower.stop();
    await this.refreshing?.catch(() => undefined);
    await this.redis?.close();
  }

  private async loadView(): Promise<void> {
    const { db } = this.d;
    this.view.reset();
    const { head } = await readSnapshot(db, (batch) => {
      for (const e of batch) this.view.apply(e);
    });
    this.follower.applied = head;
    // The feed's replay ring starts with the log's tail, so recent changes and resuming
    // subscribers are served from memory from the first request on.
    this.feed.prime(await readChanges(db.sql, Math.max(0, head - RING_PRIME), RING_PRIME, head));
    this.loaded = true;
    await this.follower.catchUp();
  }

  /** Follower sink: every change, once, in commit order. */
  private deliver(run: LogRun): void {
    for (const c of run.changes) if (c.applied) this.view.apply(entityOf(c));
    if (this.mode === 'memory') void this.memory.applyChanges(toChangeRun(run));
    this.feed.push(run.changes);
    const last = run.changes.at(-1);
    if (last) {
      this.lastChangeAt = Math.max(this.lastChangeAt, last.receivedAt);
      this.d.metrics.propagationLag.observe(Math.max(0, Date.now() - last.receivedAt) / 1000);
    }
  }

  private onChangesMessage(raw: string): void {
    if (!this.loaded) return;
    try {
      const m = JSON.parse(raw) as ChangesMessage;
      if (m.pod !== this.d.config.podId) this.follower.offer({ fromId: m.fromId, toId: m.toId, changes: m.changes });
    } catch (err) {
      this.d.log.warn({ err }, 'ignored a malformed changes message');
    }
  }

  private onRefreshMessage(raw: string): void {
    try {
      const m = JSON.parse(raw) as LastRefresh & { generation: number };
      this.lastRefresh = { at: m.at, durationMs: m.durationMs, podId: m.podId, entityCount: m.entityCount };
      this.d.metrics.refreshLastSuccess.set(Date.parse(m.at) / 1000);
    } catch (err) {
      this.d.log.warn({ err }, 'ignored a malformed refresh message');
    }
  }

  /**
   * Back to Redis: only once Redis holds everything PostgreSQL has (replayed from the
   * log, or rebuilt by a full refresh when Redis lost its data).
   */
  private enterRedis(): Promise<void> {
    this.entering ??= (async () => {
      const redis = this.redis;
      if (!redis || this.closed || !this.loaded || this.mode === 'redis') return;
      await this.follower.catchUp();
      let meta = await redis.store.meta();
      if (!meta) {
        const r = await this.doRefresh('redis had no cache', redis.store, redis.lock);
        if (!r.started) meta = await this.waitForGeneration();
        meta = await redis.store.meta();
        if (!meta) throw new Error('redis cache is still being rebuilt by another pod');
      }
      await replayLog(this.d.db.sql, redis.store, meta.appliedChangeId, this.follower.applied);
      if (!redis.isUp) return;
      this.mode = 'redis';
      this.setModeMetric();
      await this.memory.clear();
      this.memoryPrimed = false;
      this.d.log.info({ lastChangeId: this.follower.applied }, 'cache mode: redis');
    })().finally(() => {
      this.entering = null;
    });
    return this.entering;
  }

  private async waitForGeneration() {
    const until = Date.now() + this.d.config.CACHE_LOCK_TIMEOUT_MS;
    while (Date.now() < until && this.redis?.isUp) {
      const meta = await this.redis.store.meta();
      if (meta) return meta;
      await new Promise((r) => setTimeout(r, 250));
    }
    return null;
  }

  /** Falls back to this pod's memory store, primed from the view so nothing is missing. */
  private async enterMemory(reason: string): Promise<void> {
    if (this.mode === 'memory' && this.memoryPrimed) return;
    const wasRedis = this.mode === 'redis';
    this.mode = 'memory';
    this.setModeMetric();
    if (wasRedis) this.d.log.warn({ reason }, 'cache mode: memory (redis unavailable)');
    // Numbered and fenced like any refresh of the memory store; if one is running, it
    // produces a complete generation by itself.
    const got = await this.memoryLock.acquire(this.d.config.CACHE_LOCK_TIMEOUT_MS);
    if (!got) return;
    const applied = this.follower.applied;
    try {
      await this.memory.beginGeneration(got.fence, applied);
      await this.memory.writeSnapshot(got.fence, [...this.view.entities()]);
      const meta = {
        generation: got.fence,
        appliedChangeId: applied,
        entityCount: 0,
        teamCount: 0,
        builtAt: Date.now(),
        builtBy: this.d.config.podId,
        durationMs: 0,
      };
      if ((await this.memory.switchGeneration(meta, got.token)) === 'switched') this.memoryPrimed = true;
    } finally {
      await this.memoryLock.release(got.token);
    }
    await replayLog(this.d.db.sql, this.memory, applied, this.follower.applied).catch(() => undefined);
  }

  /** Repairs Redis from the log when a write-through was missed (a pod died, a command timed out). */
  private async syncRedis(): Promise<void> {
    const redis = this.redis;
    if (!redis?.isUp) return;
    // Redis is reachable but an earlier switch back did not finish (e.g. another pod was rebuilding it): retry.
    if (this.mode === 'memory') return this.enterRedis();
    const meta = await redis.store.meta();
    if (!meta) return void this.refresh('redis cache missing');
    if (meta.appliedChangeId < this.follower.applied)
      await replayLog(this.d.db.sql, redis.store, meta.appliedChangeId, this.follower.applied);
  }

  private async doRefresh(
    trigger: string,
    store = this.store,
    lock = this.mode === 'redis' && this.redis ? this.redis.lock : this.memoryLock,
  ): Promise<RefreshResult> {
    const bulk = store === this.redis?.store ? this.redis.bulkStore : store;
    const r = await runRefresh({ ...this.d, store: bulk, lock, trigger });
    if (r.started && r.generation !== null) {
      this.lastRefresh = {
        at: new Date().toISOString(),
        durationMs: r.durationMs ?? 0,
        podId: this.d.config.podId,
        entityCount: r.entityCount ?? 0,
      };
      if (store === this.redis?.store)
        await this.redis
          .publish(
            refreshChannel(this.d.config.REDIS_KEY_PREFIX),
            JSON.stringify({ generation: r.generation, ...this.lastRefresh }),
          )
          .catch(() => undefined);
    }
    return r;
  }

  private async refreshIfDue(): Promise<void> {
    const meta = await this.store.meta().catch(() => null);
    const intervalMs = this.d.config.CACHE_REFRESH_INTERVAL_HOURS * 3_600_000;
    if (!meta || Date.now() - meta.builtAt >= intervalMs * 0.9)
      await this.refresh('schedule').catch((err) => this.d.log.error({ err }, 'scheduled refresh failed'));
    const after = await this.store.meta().catch(() => null);
    this.scheduleRefresh(this.nextRefreshDelay(after?.builtAt ?? Date.now()));
  }

  /** Next check: one interval after the last refresh, with ±10% jitter so pods do not stampede. */
  private nextRefreshDelay(builtAt: number | null): number {
    const intervalMs = this.d.config.CACHE_REFRESH_INTERVAL_HOURS * 3_600_000;
    const base = builtAt === null ? intervalMs : builtAt + intervalMs - Date.now();
    return Math.max(1_000, base + (Math.random() - 0.5) * 0.2 * intervalMs);
  }

  private scheduleRefresh(ms: number): void {
    if (this.closed) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshIfDue(), Math.min(ms, 2 ** 31 - 1));
    this.refreshTimer.unref();
  }

  private every(ms: number, fn: () => Promise<void>): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy || this.closed) return;
      busy = true;
      fn()
        .catch((err) => this.d.log.debug({ err: (err as Error).message }, 'background cache task failed; will retry'))
        .finally(() => {
          busy = false;
        });
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private setModeMetric(): void {
    this.d.metrics.cacheMode.set({ mode: 'redis' }, this.mode === 'redis' ? 1 : 0);
    this.d.metrics.cacheMode.set({ mode: 'memory' }, this.mode === 'memory' ? 1 : 0);
  }
}
