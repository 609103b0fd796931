import type { Logger } from 'pino';
import { ChangeFeed } from '../changelog/feed.js';
import { type CatchUpTarget, ChangeFollower, type Delivery } from '../changelog/follower.js';
import { logHead, readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import { entityOf, type LogChange, type LogRun } from '../domain/change.js';
import type { StateCheck } from '../domain/checksum.js';
import { backoffMs, sleep } from '../platform/backoff.js';
import { isDatabaseUnavailable } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { EntityView } from '../readmodel/view.js';
import { type ChangeTail, readTailFirst } from './change-tail.js';
import { loadViewFromCache, loadViewFromPostgres } from './load-view.js';
import { LogIdentity } from './log-identity.js';
import { isFrom, parseMessage, ZChangesMessage } from './messages.js';
import { type CacheStore, GenerationGoneError, type GenerationMeta } from './store/types.js';
import { type CheckResult, ViewCheckpoints } from './view-check.js';

/** Where a pod's view was loaded from at start. */
export type ViewSource = 'redis' | 'postgres';

/**
 * A Redis generation further behind the log's head than this is "stale": loading it and
 * catching up would read more of the log than the snapshot it saves.
 */
const STALE_AFTER_CHANGES = 10_000;

/** A promise and its resolve function (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export type LogMirrorDeps = {
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Each delivered run, after the view and feed have it (the memory store's write, the tail's repair). */
  onDelivered: (run: LogRun, how: Delivery) => void;
  /**
   * Why PostgreSQL refuses this pod's configuration, or null: while it does, the view is
   * not loaded from Redis alone (a wrong DATABASE_URL must keep the pod not ready).
   */
  databaseMisconfigured?: () => string | null;
  /** The log was replaced and the mirror reloaded: rebuild what was built from the old log. */
  onReplaced: () => Promise<void>;
  /** The Redis change tail when it may be read now (redis mode, Redis up), else null. */
  tail?: () => ChangeTail | null;
};

/**
 * The pod's copy of the change log: the view every read is served from, the feed of
 * subscribers with its replay ring, the follower that delivers each change once and in
 * order, and the log's identity. Nothing is delivered before `start` has loaded the view
 * (`loaded`), and a replaced log (a restored database) reloads all of it.
 */
export class LogMirror {
  readonly view = new EntityView();
  /** The view's count and checksum after each recent change id (checked against refresh snapshots). */
  private readonly checkpoints = new ViewCheckpoints();
  readonly feed = new ChangeFeed();
  readonly follower: ChangeFollower;
  readonly identity: LogIdentity;
  /** Received-at (epoch ms) of the newest delivered change. */
  lastChangeAt = 0;
  /** True while `start` found neither PostgreSQL nor a usable Redis cache and is retrying. */
  waiting = false;
  private isLoaded = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  private loading = deferred();
  /** The log's head as start read it (null: PostgreSQL was away). */
  private startHead: number | null = null;

  constructor(private readonly d: LogMirrorDeps) {
    this.follower = new ChangeFollower(
      (after, limit, target) => this.readLog(after, limit, target),
      (run, how) => this.deliver(run, how),
      d.log,
    );
    this.identity = new LogIdentity({
      sql: d.db.sql,
      log: d.log,
      feed: this.feed,
      onReplaced: async () => {
        await this.reload();
        await d.onReplaced();
      },
    });
  }

  /** True once the view is loaded and the follower has its position. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  /** Resolves once the view is loaded (at once when it is; after a reload while one runs). */
  whenLoaded(): Promise<void> {
    return this.isLoaded ? Promise.resolve() : this.loading.promise;
  }

  /**
   * Loads the view and catches up. From the shared cache (`shared()`, null when Redis is
   * unset or unreachable) when its current generation is of this log and not stale — or,
   * while PostgreSQL is unreachable, of any known log (checked once PostgreSQL answers);
   * from a PostgreSQL snapshot otherwise. With neither available it waits, retrying with
   * backoff, until one is (or `stop`). Resolves to where the view came from (null: stopped).
   */
  async start(shared: () => CacheStore | null): Promise<ViewSource | null> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const from = await this.loadFromBest(shared());
      if (from) {
        this.waiting = false;
        this.markLoaded(from);
        // PostgreSQL away: the tail is all there is; the identity check and notifications pick up once it answers.
        await this.follower.catchUp(this.startHead ?? 'tail').catch((err) => {
          if (!isDatabaseUnavailable(err)) throw err;
        });
        return from;
      }
      if (attempt === 1 && !this.d.databaseMisconfigured?.())
        this.d.log.warn('neither PostgreSQL nor a current Redis cache is reachable: not ready, retrying');
      this.waiting = true;
      await sleep(backoffMs(attempt, 500, 5_000), this.stopping.signal);
    }
    return null;
  }

  /** This pod's own committed run: delivered at once (after the reuse check, see LogIdentity). */
  committed(run: LogRun): void {
    this.identity.checkReuse(run.changes);
    this.follower.offer(run);
  }

  /**
   * Another pod's run from pub/sub. One of another epoch is from a pod on another log: it
   * only makes this pod check PostgreSQL's epoch. Ignored before the view is loaded.
   */
  heard(run: LogRun, epoch: string | undefined): void {
    if (!this.isLoaded) return;
    if (epoch !== undefined && epoch !== this.identity.epoch)
      return void this.identity.verifySoon(this.follower.applied);
    this.identity.checkReuse(run.changes);
    this.follower.offer(run);
  }

  /** A raw `sla:changes` message: parsed (a malformed one is logged and dropped), this pod's own skipped. */
  heardMessage(raw: string, podId: string): void {
    if (isFrom(raw, podId)) return;
    const m = parseMessage(ZChangesMessage, raw, 'changes', this.d.log);
    if (m && m.pod !== podId) this.heard({ fromId: m.fromId, toId: m.toId, changes: m.changes }, m.epoch);
  }

  private async load(): Promise<void> {
    await loadViewFromPostgres(this.d.db, this.view, this.feed, this.follower);
    this.markLoaded('postgres');
    await this.follower.catchUp();
  }

  /**
   * A PostgreSQL snapshot is exactly the log's state at its head, so it is a checkpoint; a
   * Redis generation may hold states past its watermark, so it is not.
   */
  private markLoaded(from: ViewSource): void {
    this.checkpoints.clear();
    if (from === 'postgres') this.checkpoints.record(this.follower.applied, this.view.size, this.view.checksum);
    this.isLoaded = true;
    this.loading.resolve();
  }

  /** One start attempt; null when neither source can serve now. */
  private async loadFromBest(store: CacheStore | null): Promise<ViewSource | null> {
    const head = await this.readHead();
    this.startHead = head;
    if (head === null && this.d.databaseMisconfigured?.()) return null;
    const meta = store ? await store.meta().catch(() => null) : null;
    if (store && meta && this.usable(meta, head)) {
      try {
        const loaded = await loadViewFromCache(store, this.view, this.feed, this.follower);
        if (loaded?.epoch) {
          if (head === null) this.identity.assume(loaded.epoch);
          this.d.log.info(
            { generation: loaded.generation, entities: this.view.size, watermark: loaded.appliedChangeId },
            'view loaded from the redis cache',
          );
          return 'redis';
        }
      } catch (err) {
        // Switched out mid-read, or Redis went away: the next attempt chooses again.
        if (!(err instanceof GenerationGoneError))
          this.d.log.warn({ err: (err as Error).message }, 'loading the view from redis failed');
        this.view.reset();
        this.follower.reset();
        if (head === null) return null;
      }
    }
    if (head === null) return null;
    await loadViewFromPostgres(this.d.db, this.view, this.feed, this.follower);
    return 'postgres';
  }

  /** The log's head, its epoch read (or minted) on the way; null while PostgreSQL is unavailable. */
  private async readHead(): Promise<number | null> {
    try {
      await this.identity.load();
      return await logHead(this.d.db.sql);
    } catch (err) {
      if (isDatabaseUnavailable(err)) return null;
      throw err;
    }
  }

  /** Whether a generation may seed the view: of this log and recent, or (PostgreSQL away) of a known log. */
  private usable(meta: GenerationMeta, head: number | null): boolean {
    if (!meta.epoch) return false;
    if (head === null) return true;
    return this.identity.judge(meta, head) === 'current' && head - meta.appliedChangeId <= STALE_AFTER_CHANGES;
  }

  /**
   * Everything built from the old log goes: the follower's position, the replay ring
   * (ending every subscription, whose cursors meant the old log) and the view, loaded again.
   */
  private async reload(): Promise<void> {
    this.isLoaded = false;
    this.loading = deferred();
    this.follower.reset();
    this.feed.reset();
    // Until it loads the pod follows nothing, so a failed load (PostgreSQL away) is retried, not given up.
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await this.load();
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, attempt }, 'reloading the view failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));
      }
    }
  }

  /**
   * Judges the view against a snapshot's count and checksum as of `check.changeId`,
   * waiting up to 10 s for the follower to get there. `skipped` when the view holds no
   * checkpoint at that id (loaded after it, or more than 65,536 changes ago).
   */
  async check(check: StateCheck): Promise<CheckResult> {
    const until = Date.now() + 10_000;
    while (this.follower.applied < check.changeId && Date.now() < until && !this.stopped) await sleep(100);
    return this.checkpoints.judge(check);
  }

  /**
   * Merges a store's current generation into the view, forward only (an entity missing or
   * older in the view takes the store's state). Returns how many entities changed; the
   * checkpoints no longer describe the log's states, so they are dropped.
   */
  async mergeFrom(store: CacheStore): Promise<number> {
    let changed = 0;
    await store.scan((batch) => {
      for (const e of batch) if (this.view.apply(e)) changed++;
    }, 5_000);
    this.checkpoints.clear();
    return changed;
  }

  /**
   * The follower's reader: the Redis tail first when the target allows (it holds every
   * change from `after + 1` and reaches the target, or the target is the tail), else
   * PostgreSQL. Each read is counted by source.
   */
  private readLog(after: number, limit: number, target: CatchUpTarget): Promise<LogChange[]> {
    return readTailFirst({
      tail: this.d.tail?.() ?? null,
      after,
      limit,
      target,
      readLog: () => readChanges(this.d.db.sql, after, limit),
      counted: (source) => this.d.metrics.changeLogReads.inc({ reader: 'follower', source }),
    });
  }

  /** Ends a reload's retries (shutdown). */
  stop(): void {
    this.stopped = true;
    this.stopping.abort();
  }

  /**
   * Follower sink: every change, once, in commit order. Only runs that arrived as messages
   * measure propagation: a run read from the log may be as old as the log itself.
   */
  private deliver(run: LogRun, how: Delivery): void {
    for (const c of run.changes) {
      if (c.applied) this.view.apply(entityOf(c));
      this.checkpoints.record(c.id, this.view.size, this.view.checksum);
    }
    this.d.onDelivered(run, how);
    this.feed.push(run.changes);
    const last = run.changes.at(-1);
    if (last) {
      this.lastChangeAt = Math.max(this.lastChangeAt, last.receivedAt);
      if (how === 'live') this.d.metrics.propagationLag.observe(Math.max(0, Date.now() - last.receivedAt) / 1000);
    }
  }
}
