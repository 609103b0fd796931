import type { Logger } from 'pino';
import { ChangeFeed } from '../changelog/feed.js';
import { ChangeFollower, type Delivery } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import { entityOf, type LogRun } from '../domain/change.js';
import type { Metrics } from '../platform/metrics.js';
import { EntityView } from '../readmodel/view.js';
import { loadViewFromPostgres } from './load-view.js';
import { LogIdentity } from './log-identity.js';
import { parseMessage, ZChangesMessage } from './messages.js';

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
  /** Each delivered run, after the view and feed have it (the memory store's write). */
  onDelivered: (run: LogRun) => void;
  /** The log was replaced and the mirror reloaded: rebuild what was built from the old log. */
  onReplaced: () => Promise<void>;
};

/**
 * The pod's copy of the change log: the view every read is served from, the feed of
 * subscribers with its replay ring, the follower that delivers each change once and in
 * order, and the log's identity. Nothing is delivered before `start` has loaded the view
 * (`loaded`), and a replaced log (a restored database) reloads all of it.
 */
export class LogMirror {
  readonly view = new EntityView();
  readonly feed = new ChangeFeed();
  readonly follower: ChangeFollower;
  readonly identity: LogIdentity;
  /** Received-at (epoch ms) of the newest delivered change. */
  lastChangeAt = 0;
  private isLoaded = false;
  private stopped = false;
  private loading = deferred();

  constructor(private readonly d: LogMirrorDeps) {
    this.follower = new ChangeFollower(
      (after, limit) => readChanges(d.db.sql, after, limit),
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

  /** Reads (or mints) the log's epoch, loads the view from PostgreSQL and catches up. */
  async start(): Promise<void> {
    await this.identity.load();
    await this.load();
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
    const m = parseMessage(ZChangesMessage, raw, 'changes', this.d.log);
    if (m && m.pod !== podId) this.heard({ fromId: m.fromId, toId: m.toId, changes: m.changes }, m.epoch);
  }

  private async load(): Promise<void> {
    await loadViewFromPostgres(this.d.db, this.view, this.feed, this.follower);
    this.isLoaded = true;
    this.loading.resolve();
    await this.follower.catchUp();
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

  /** Ends a reload's retries (shutdown). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Follower sink: every change, once, in commit order. Only runs that arrived as messages
   * measure propagation: a run read from the log may be as old as the log itself.
   */
  private deliver(run: LogRun, how: Delivery): void {
    for (const c of run.changes) if (c.applied) this.view.apply(entityOf(c));
    this.d.onDelivered(run);
    this.feed.push(run.changes);
    const last = run.changes.at(-1);
    if (last) {
      this.lastChangeAt = Math.max(this.lastChangeAt, last.receivedAt);
      if (how === 'live') this.d.metrics.propagationLag.observe(Math.max(0, Date.now() - last.receivedAt) / 1000);
    }
  }
}
