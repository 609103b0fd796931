import type { CacheStatus, RefreshResult } from '@sla/shared';
import type { Logger } from 'pino';
import type { ChangeFeed } from '../changelog/feed.js';
import type { ChangeFollower, Delivery } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import { type LogRun, toChangeRun } from '../domain/change.js';
import type { StateCheck } from '../domain/checksum.js';
import { sleep } from '../platform/backoff.js';
import type { Config } from '../platform/config.js';
import { every } from '../platform/every.js';
import type { Metrics } from '../platform/metrics.js';
import { packageVersion } from '../platform/version.js';
import type { EntityView } from '../readmodel/view.js';
import { ChangeListener } from './change-listener.js';
import { ChangeTail } from './change-tail.js';
import { Heartbeat } from './heartbeat.js';
import { KnownState } from './known-state.js';
import { MemoryRefreshLock } from './lock/memory-lock.js';
import { RedisRefreshLock } from './lock/redis-lock.js';
import type { LogIdentity } from './log-identity.js';
import { LogMirror, type ViewSource } from './log-mirror.js';
import { isHeartbeat, parseMessage, ZRefreshMessage } from './messages.js';
import { enterMemory, enterRedis, syncRedis } from './modes.js';
import { asRedisUnavailable, redisTargetOf } from './redis/client.js';
import { changesChannel, policyChannel, refreshChannel } from './redis/keys.js';
import { RedisLink } from './redis/link.js';
import { RefreshScheduler, type RefreshTarget } from './refresh/scheduler.js';
import { cacheStatus } from './status.js';
import { MemoryStore } from './store/memory-store.js';
import { writeThrough } from './write-through.js';

export type CacheMode = 'redis' | 'memory';

/** Who hears the policy channel (policy/store.ts): each message, and "the subscriber was away, messages may be lost". */
export type PolicyListener = { message: (raw: string) => void; missed: () => void };
export type CacheDeps = {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Resolves once PostgreSQL was reached (and migrated); absent when it already was. */
  databaseOpened?: Promise<void>;
  /** Resolves once the first PostgreSQL connection attempt finished, reached or not (bounds start's wait). */
  databaseFirstAttempt?: Promise<void>;
  /** Whether PostgreSQL answered the pod's last query (for status; absent: assumed). */
  databaseAvailable?: () => boolean;
  /** Why PostgreSQL refuses this pod's configuration (wrong database or credentials), or null. */
  databaseMisconfigured?: () => string | null;
  /** The PostgreSQL schema of the tables (names the change notification channel). */
  schema?: string | undefined;
  /** Hears of every refresh this pod ran (e.g. to checkpoint state built beside the view). */
  onRefreshed?: () => void;
};

/**
 * Redis sync every second; and, only while no LISTEN connection hears change notifications
 * (it is down, or the database is the embedded one), a read of the log's newest changes.
 */
const POLL_MS = 1_000;
/**
 * How long a notified change may take to arrive by the committing pod's own write-through
 * and pub/sub before this pod reads it (from the tail, else PostgreSQL): that pod may have died.
 */
const NOTIFY_GRACE_MS = 250;
/** How often a pod checks the log's identity in PostgreSQL (an epoch another pod minted, a head gone back). */
const IDENTITY_MS = 30_000;
/** The longest start waits for the first PostgreSQL connection attempt (a black-holed one) before it serves from Redis alone. */
const DATABASE_START_WAIT_MS = 4_000;

/**
 * The redis/memory state machine of one pod. It keeps the in-process view (which serves
 * every read) current from the change log through the follower, keeps a shared store
 * (Redis, or this pod's memory store while Redis is away) current by write-through and log
 * replay, and runs full refreshes under the distributed lock. Its state is private;
 * `status()`, `mode` and `isInitialized` read it.
 */
export class CacheCoordinator {
  readonly redis: RedisLink | null;
  /** The view every read is served from, the subscribers' feed, the follower, the log's identity (see LogMirror). */
  readonly view: EntityView;
  readonly feed: ChangeFeed;
  readonly follower: ChangeFollower;
  readonly identity: LogIdentity;
  /** The change tail in Redis (null without Redis). */
  readonly tail: ChangeTail | null;
  private readonly listener: ChangeListener | null;
  private notified = { upTo: 0, timer: null as NodeJS.Timeout | null };
  private readonly mirror: LogMirror;
  private readonly redisLock: RedisRefreshLock | null;
  private readonly memoryLock: MemoryRefreshLock;
  private readonly memory: MemoryStore;
  private readonly refresher: RefreshScheduler;
  /** This pod's heartbeat and the fleet view (heartbeat.ts). */
  private readonly heartbeat: Heartbeat;
  private readonly modeState = { mode: 'memory' as CacheMode, memoryPrimed: false };
  private readonly known = new KnownState();
  private initialized = false;
  private closed = false;
  private loadedFrom: ViewSource | null = null;
  private stops: (() => void)[] = [];
  private entering: Promise<void> | null = null;
  private readonly policyListeners = new Set<PolicyListener>();

  constructor(private readonly d: CacheDeps) {
    const { config, log } = d;
    this.mirror = new LogMirror({
      ...d,
      onDelivered: (run, how) => this.delivered(run, how),
      onReplaced: () => this.rebuild(),
      // The tail holds only changes of the log it is named for, so it may be read whenever Redis answers.
      tail: () => this.readableTail(),
    });
    ({ view: this.view, feed: this.feed, follower: this.follower, identity: this.identity } = this.mirror);
    this.memoryLock = new MemoryRefreshLock(config.podId);
    this.memory = new MemoryStore(this.memoryLock, { shareWrites: true });
    const target = redisTargetOf(config);
    this.redis = target
      ? new RedisLink(
          target,
          {
            prefix: config.REDIS_KEY_PREFIX,
            podId: config.podId,
            tlsCaFile: config.REDIS_TLS_CA_FILE,
            silenceMs: 2 * config.HEARTBEAT_INTERVAL_MS,
          },
          {
            onUp: () =>
              void this.enterRedis().catch((err: Error) =>
                log.warn({ err: err.message }, 'could not switch back to redis yet; retrying every second'),
              ),
            onDown: (reason) =>
              void this.enterMemory(reason).catch((err) => log.error({ err }, 'could not switch to memory mode')),
            // Anything published while unsubscribed was missed (before the view is loaded, the follower ignores this).
            onResubscribed: () => {
              void this.follower.catchUp('tail').catch(() => undefined);
              for (const l of this.policyListeners) l.missed();
            },
            onChanges: (raw) =>
              isHeartbeat(raw) ? this.heartbeat.heard(raw) : this.mirror.heardMessage(raw, config.podId),
            onRefresh: (raw) => this.onRefreshMessage(raw),
            onPolicy: (raw) => {
              for (const l of this.policyListeners) l.message(raw);
            },
          },
          log,
        )
      : null;
    this.tail = this.redis
      ? new ChangeTail(
          this.redis.cmd,
          config.REDIS_KEY_PREFIX,
          () => this.identity.epoch,
          config.CACHE_CHANGE_TAIL_SIZE,
        )
      : null;
    this.listener = config.DATABASE_URL
      ? new ChangeListener({
          url: config.DATABASE_URL,
          schema: d.schema,
          log,
          metrics: d.metrics,
          epoch: () => this.identity.epoch,
          onChange: (id) => this.heardCommit(id),
          // Notifications sent while it was not listening were missed: catch up to the head it read (tail first).
          onUp: (head) => void this.follower.catchUp(head).catch(() => undefined),
        })
      : null;
    // With replicas (Sentinel, Cluster) a lock counts only once a replica has it (see RedisRefreshLock).
    const replicated = target !== null && target.kind !== 'single';
    this.redisLock = this.redis
      ? new RedisRefreshLock(this.redis.cmd, config.REDIS_KEY_PREFIX, config.podId, replicated)
      : null;
    this.refresher = new RefreshScheduler(
      d,
      () => this.refreshTarget(),
      async (target, r, last) => {
        void this.known.refresh(this.refreshTarget());
        d.onRefreshed?.();
        if (target.store === this.redis?.store) void this.keepTail();
        if (target.store === this.redis?.store && r.generation !== null)
          await this.redis
            .publish(
              refreshChannel(config.REDIS_KEY_PREFIX),
              JSON.stringify({ generation: r.generation, ...last, check: r.check }),
            )
            .catch(() => undefined);
      },
    );
    this.heartbeat = new Heartbeat({
      podId: config.podId,
      version: config.BUILD_VERSION ?? packageVersion(),
      intervalMs: config.HEARTBEAT_INTERVAL_MS,
      channel: changesChannel(config.REDIS_KEY_PREFIX),
      prefix: config.REDIS_KEY_PREFIX,
      redis: this.redis,
      sql: d.db.sql,
      log,
      metrics: d.metrics,
      follower: this.follower,
      mode: () => this.mode,
      databaseAvailable: () => d.databaseAvailable?.() ?? true,
    });
    this.setModeMetric();
  }

  /**
   * Whether PostgreSQL is reachable as far as this pod knows, asking no one: its last query
   * reached it and its LISTEN connection (when it has one) has not dropped — an idle pod
   * in redis mode sends no other queries, so the dropped connection is the first sign.
   */
  databaseAvailable = (): boolean => (this.d.databaseAvailable?.() ?? true) && !this.listener?.isLost;

  /** Adds a listener of the policy channel (`<prefix>policy`); returns its removal. */
  onPolicyMessage(listener: PolicyListener): () => void {
    this.policyListeners.add(listener);
    return () => this.policyListeners.delete(listener);
  }

  /**
   * Publishes on the policy channel.
   * @throws when Redis is not configured or the publish fails (the caller's periodic re-read covers it).
   */
  async publishPolicy(message: string): Promise<void> {
    if (!this.redis) throw new Error('no redis');
    await this.redis.publish(policyChannel(this.d.config.REDIS_KEY_PREFIX), message);
  }

  /** Where the pod writes through to now: `redis`, or `memory` while Redis is away or unset. */
  get mode(): CacheMode {
    return this.modeState.mode;
  }

  /** Where the view was loaded from at start: `redis`, `postgres`, or null before. */
  get viewSource(): ViewSource | null {
    return this.loadedFrom;
  }

  /** True while start finds neither PostgreSQL nor a usable Redis cache (it keeps retrying). */
  get waitingForData(): boolean {
    return this.mirror.waiting;
  }

  /** While waiting: PostgreSQL's refusal of this pod's configuration, if that is why; else null. */
  get databaseMisconfigured(): string | null {
    return this.d.databaseMisconfigured?.() ?? null;
  }

  /** True once `start` has resolved (the view is loaded and a mode chosen). */
  get isInitialized(): boolean {
    return this.initialized;
  }

  /** The change tail when Redis answers (it holds only changes of the log it is named for); else null. */
  readableTail(): ChangeTail | null {
    return this.redis?.isUp ? this.tail : null;
  }

  /** Resolves when the view has been loaded once. */
  whenLoaded = (): Promise<void> => this.mirror.whenLoaded();

  /**
   * Loads the view (from Redis when it is current, else from PostgreSQL; see
   * LogMirror.start), picks a mode and starts the background tasks; resolves when the
   * pod can serve reads. With PostgreSQL away it serves from Redis; with neither it
   * waits, retrying, until one comes (or `close`).
   */
  async start(): Promise<void> {
    const { log, databaseOpened, databaseFirstAttempt } = this.d;
    if (this.redis) await this.redis.waitUntilUp(3_000);
    await Promise.race([databaseFirstAttempt ?? databaseOpened ?? Promise.resolve(), sleep(DATABASE_START_WAIT_MS)]);
    const source = await this.mirror.start(() => (this.redis?.isUp ? this.redis.bulkStore : null));
    if (source === null) return;
    this.loadedFrom = source;
    // Loaded without PostgreSQL: once it answers, the log's identity is checked at once (not in 30 s).
    void databaseOpened?.then(() =>
      this.identity.verify(this.follower.applied).catch((err) => log.warn({ err }, 'log identity check failed')),
    );
    if (this.redis?.isUp) await this.enterRedis().catch((err) => log.warn({ err }, 'redis not usable at start'));
    if (this.mode !== 'redis')
      await this.enterMemory(this.redis ? 'redis unavailable at start' : 'no Redis configured');
    const onError = (err: unknown) =>
      log.debug({ err: (err as Error).message }, 'background cache task failed; will retry');
    const tasks = [
      [POLL_MS, () => this.pollLog()],
      [POLL_MS, () => this.syncRedis()],
      [POLL_MS, () => this.known.refresh(this.refreshTarget())],
      [IDENTITY_MS, () => this.checkIdentity()],
    ] as const;
    for (const [ms, task] of tasks) this.stops.push(every(ms, task, onError));
    // Listening needs the migrated tables (the epoch it checks); a database that never opens leaves the poll on.
    if (this.listener)
      void (databaseOpened ?? Promise.resolve()).then(
        () => !this.closed && this.listener?.start(),
        () => undefined,
      );
    void this.keepTail();
    await this.known.refresh(this.refreshTarget());
    this.refresher.start(this.mode === 'redis');
    this.initialized = true;
    this.heartbeat.start();
    log.info({ mode: this.mode, source, entities: this.view.size, lastChangeId: this.follower.applied }, 'cache ready');
  }

  /**
   * The ingest commit hook: delivers the committed run to this pod at once, then writes it
   * through to Redis and publishes it, waiting at most CACHE_WRITE_THROUGH_WAIT_MS.
   * Resolves true when Redis has it, false in memory mode or when it stopped waiting.
   */
  async onCommitted(run: LogRun): Promise<boolean> {
    this.mirror.committed(run);
    const { redis, identity } = this;
    if (this.mode !== 'redis' || !redis?.isUp || !identity.epoch) return false;
    const { config, log } = this.d;
    const channel = changesChannel(config.REDIS_KEY_PREFIX);
    const waitMs = config.CACHE_WRITE_THROUGH_WAIT_MS;
    const tail = this.tail as ChangeTail;
    return writeThrough(redis, run, { podId: config.podId, epoch: identity.epoch, channel, waitMs, log, tail });
  }

  /** A full refresh now, unless another pod holds the lock (then says which). */
  /** A Redis refusal or outage during the refresh answers 503 (asRedisUnavailable), not 500. */
  refresh = (trigger: string): Promise<RefreshResult> =>
    this.refresher.refresh(trigger).catch((err: unknown) => {
      throw asRedisUnavailable(err) ?? err;
    });

  /** The `cache.status` answer; reads only what this pod already knows, so it answers while Redis is frozen. */
  status(): Promise<CacheStatus> {
    return cacheStatus({
      podId: this.d.config.podId,
      isInitialized: this.initialized,
      mode: this.mode,
      redis: this.redis,
      known: this.known.current,
      entityCount: this.view.size,
      lastChangeId: this.follower.applied,
      lastChangeAt: this.mirror.lastChangeAt,
      lastRefresh: this.refresher.last,
      logEpoch: this.identity.epoch,
      databaseAvailable: this.databaseAvailable(),
      metrics: this.d.metrics,
      pods: this.heartbeat.pods(),
    });
  }

  /** Stops the background tasks and the follower, waits for a running refresh, closes Redis. */
  async close(): Promise<void> {
    this.closed = true;
    await this.heartbeat.close();
    this.mirror.stop();
    for (const stop of this.stops) stop();
    this.follower.stop();
    if (this.notified.timer) clearTimeout(this.notified.timer);
    await this.listener?.close();
    await this.refresher.close();
    await this.redis?.close();
  }

  private refreshTarget(): RefreshTarget {
    const redis = this.mode === 'redis' ? this.redis : null;
    return redis && this.redisLock
      ? { store: redis.store, bulk: redis.bulkStore, lock: this.redisLock }
      : { store: this.memory, bulk: this.memory, lock: this.memoryLock };
  }

  /** After the log was replaced and the view reloaded: the shared store is rebuilt from the new log. */
  private async rebuild(): Promise<void> {
    this.modeState.memoryPrimed = false;
    if (this.mode === 'memory') await this.enterMemory('change log replaced');
    else await this.refresh('change log replaced').catch((err) => this.d.log.warn({ err }, 'rebuild failed; retrying'));
  }

  private onRefreshMessage(raw: string): void {
    const m = parseMessage(ZRefreshMessage, raw, 'refresh', this.d.log);
    if (!m) return;
    this.refresher.heard({ at: m.at, durationMs: m.durationMs, podId: m.podId, entityCount: m.entityCount });
    void this.known.refresh(this.refreshTarget());
    if (m.check) void this.checkView(m.check).catch((err) => this.d.log.warn({ err }, 'view check failed'));
  }

  /**
   * Checks the view against a refresh's snapshot (count + checksum as of its change id);
   * a view that differs is repaired from the new generation (forward-only merge).
   */
  private async checkView(check: StateCheck): Promise<void> {
    const result = await this.mirror.check(check);
    this.d.metrics.viewChecks.inc({ result });
    if (result !== 'mismatch') return;
    const redis = this.redis;
    this.d.log.warn({ changeId: check.changeId }, 'view differs from the refresh snapshot; repairing it from redis');
    if (!redis?.isUp) return;
    const repaired = await this.mirror.mergeFrom(redis.bulkStore);
    this.d.log.warn({ repaired, entities: this.view.size }, 'view repaired from redis');
  }

  /** Back to Redis once it holds everything PostgreSQL has (see modes.ts). */
  private enterRedis(): Promise<void> {
    const redis = this.redis;
    const lock = this.redisLock;
    if (!redis || !lock || this.closed || !this.mirror.loaded || this.mode === 'redis') return Promise.resolve();
    const refresh = (trigger: string) =>
      this.refresher.refresh(trigger, { store: redis.store, bulk: redis.bulkStore, lock });
    this.entering ??= enterRedis({ ...this.modeDeps(), redis, refresh }).finally(() => {
      this.entering = null;
    });
    return this.entering;
  }

  /** Before the view is loaded there is nothing to prime the memory store from: start() picks the mode. */
  private enterMemory(reason: string): Promise<void> {
    if (!this.mirror.loaded) return Promise.resolve();
    return enterMemory({ ...this.modeDeps(), view: this.view, memoryLock: this.memoryLock }, reason);
  }

  private modeDeps() {
    const { follower, memory, identity } = this;
    const onModeChanged = () => {
      this.setModeMetric();
      void this.known.refresh(this.refreshTarget());
    };
    return { ...this.d, follower, memory, identity, state: this.modeState, onModeChanged };
  }

  private syncRedis(): Promise<void> {
    if (!this.redis) return Promise.resolve();
    const refresh = (trigger: string) => this.refresh(trigger);
    return syncRedis({
      ...this.modeDeps(),
      redis: this.redis,
      refresh,
      enterRedis: () => this.enterRedis(),
      enterMemory: (reason) => this.enterMemory(reason),
    });
  }

  /**
   * A change up to `id` was committed (a notification). The committing pod's write-through
   * and pub/sub normally deliver it first; if not within the grace, what the tail holds is
   * read, and after a second grace whatever is still missing comes from PostgreSQL (that
   * pod died between commit and Redis).
   */
  private heardCommit(id: number): void {
    if (id <= this.follower.applied) return;
    this.notified.upTo = Math.max(this.notified.upTo, id);
    this.notified.timer ??= setTimeout(() => void this.afterGrace(), NOTIFY_GRACE_MS);
  }

  private async afterGrace(): Promise<void> {
    const target = this.notified.upTo;
    try {
      if (this.follower.applied < target) await this.follower.catchUp('tail');
      if (this.follower.applied < target) {
        await sleep(NOTIFY_GRACE_MS);
        if (this.follower.applied < target) await this.follower.catchUp(target);
      }
    } catch (err) {
      this.d.log.debug({ err: (err as Error).message }, 'catch-up after a notification failed; the next one retries');
    } finally {
      this.notified.timer = null;
      if (this.notified.upTo > this.follower.applied && !this.closed) this.heardCommit(this.notified.upTo);
    }
  }

  /**
   * The log identity check, which reads the head anyway: a head this pod has not reached
   * (a notification lost on a silently dead LISTEN socket) is caught up to, tail first, at
   * no extra cost to PostgreSQL.
   */
  private async checkIdentity(): Promise<void> {
    const head = await this.identity.verify(this.follower.applied);
    if (head > this.follower.applied) await this.follower.catchUp(head);
  }

  /** The timed read of the log: only while notifications are not heard. */
  private pollLog(): Promise<void> {
    if (this.listener?.isUp) return Promise.resolve();
    this.d.metrics.changeLogPolls.inc();
    return this.follower.catchUp();
  }

  /**
   * Refills the change tail from the log when it holds nothing (Redis flushed or restarted,
   * a new epoch): the newest CACHE_CHANGE_TAIL_SIZE changes up to what this pod has
   * delivered. Only the pod holding the refill mark does it.
   */
  private keepTail(): Promise<void> {
    return this.refillTail().catch((err) =>
      this.d.log.warn({ err: (err as Error).message }, 'refilling the change tail failed; the next refresh retries'),
    );
  }

  private async refillTail(): Promise<void> {
    const { tail, redis } = this;
    const epoch = this.identity.epoch;
    const head = this.follower.applied;
    if (!tail || !redis?.isUp || !epoch || head === 0 || (await tail.window()) !== null) return;
    if (!(await tail.claimRefill(epoch))) return;
    const size = this.d.config.CACHE_CHANGE_TAIL_SIZE;
    const changes = await readChanges(this.d.db.sql, Math.max(0, head - size), size, head);
    this.d.metrics.changeLogReads.inc({ reader: 'tail_keeper', source: 'postgres' });
    const window = await tail.refill(epoch, changes);
    this.d.log.info({ ...window }, 'change tail refilled from the log');
  }

  /** After delivery: a run read from the log is appended to the tail (a writer that died left it out); in memory mode the memory store follows the log. */
  private delivered(run: LogRun, how: Delivery): void {
    const epoch = this.identity.epoch;
    if (how === 'log' && this.tail && this.redis?.isUp && epoch)
      void this.tail.append(epoch, run.changes).catch(() => undefined);
    this.writeMemory(run);
  }

  /** In memory mode the memory store follows the log too. */
  private writeMemory(run: LogRun): void {
    if (this.mode !== 'memory') return;
    void this.memory
      .applyChanges(toChangeRun(run))
      .catch((err) => this.d.log.error({ err }, 'memory store write failed'));
  }

  private setModeMetric(): void {
    for (const mode of ['redis', 'memory'] as const) this.d.metrics.cacheMode.set({ mode }, this.mode === mode ? 1 : 0);
  }
}
