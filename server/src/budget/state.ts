import type { Logger } from 'pino';
import { type ChangeTail, readTailFirst } from '../cache/change-tail.js';
import type { RedisClient } from '../cache/redis/client.js';
import { readEpoch } from '../changelog/epoch.js';
import type { ChangeFeed } from '../changelog/feed.js';
import { logHead, readChanges } from '../changelog/log.js';
import { rowReader } from '../db/copy-out.js';
import type { Db } from '../db/sql.js';
import type { LogChange } from '../domain/change.js';
import { backoffMs, sleep } from '../platform/backoff.js';
import { AppError } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { BudgetBook } from './book.js';
import { CheckpointStore } from './checkpoint.js';
import { timelinesFromLog } from './pg-timelines.js';
import { type BudgetPolicy, memoryHorizonDays } from './policy.js';

const DAY_MS = 86_400_000;
/** Changes per read when filling a gap (tail first, else PostgreSQL). */
const PAGE = 5_000;
/** Pushed changes kept while the book cannot take them; beyond this they are read again later. */
const MAX_QUEUED = 500_000;
/** How often old segments are pruned (the memory horizon moves by the day). */
const PRUNE_MS = 10 * 60_000;
/** The last instant a timestamptz holds: "no upper bound" for a load. */
const END_OF_TIME = Date.UTC(9999, 11, 31);

export type BudgetSource = 'checkpoint' | 'postgres';

export type BudgetStateDeps = {
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** The pod's change feed: every delivered change once, in order; an empty push = the log was replaced. */
  feed: ChangeFeed;
  /** Id of the last change the view has applied. */
  position: () => number;
  /** The log's epoch as the pod knows it (null: not known yet). */
  epoch: () => string | null;
  /** Resolves once the view is loaded (again, after a reload). */
  whenLoaded: () => Promise<void>;
  /** The Redis change tail when readable, else null. */
  tail: () => ChangeTail | null;
  /** A Redis connection for bulk reads and writes while Redis is up, else null. */
  redis: () => RedisClient | null;
  prefix: string;
  podId: string;
  policy: () => BudgetPolicy;
  /** The tenants the view knows (for the memory horizon). */
  tenants: () => Iterable<string>;
  staleAfterMs: number;
  checkpointIntervalMs: number;
  now?: () => number;
};

/**
 * Keeps the budget book current and durable: loads it at start (the Redis checkpoint of
 * this log, else PostgreSQL; retried until one works), then applies every change the feed
 * delivers exactly once and in order, filling a gap (a load behind the view, a push it
 * missed) from the Redis change tail or PostgreSQL (`readTailFirst`). A replaced log
 * (empty push) rebuilds it. Every mutation — applying, pruning, encoding a checkpoint —
 * runs in one serial chain, so a checkpoint is exactly the book at its watermark.
 */
export class BudgetState {
  readonly book: BudgetBook;
  source: BudgetSource | null = null;
  private queue: LogChange[] = [];
  private serial: Promise<unknown> = Promise.resolve();
  private pumping = false;
  private replaced = false;
  private loadedFlag = false;
  private closed = false;
  private readonly stopping = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;
  private readonly now: () => number;

  constructor(private readonly d: BudgetStateDeps) {
    this.book = new BudgetBook(d.staleAfterMs);
    this.now = d.now ?? Date.now;
    this.unsubscribe = d.feed.subscribe((changes) => this.pushed(changes));
  }

  /** True once the book holds a loaded state (it may still be catching up). */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  /**
   * Epoch ms from which the book holds every entity's whole timeline: segments before it
   * may have been pruned (they are pruned up to the memory horizon, never beyond it).
   */
  get heldFrom(): number {
    return this.now() - this.horizonMs();
  }

  /** @throws AppError UNAVAILABLE (503, retry in 2 s) until the book is loaded. */
  assertLoaded(): void {
    if (!this.loadedFlag) throw new AppError('UNAVAILABLE', 'Budgets are still loading; retry shortly', 2);
  }

  /** Loads the book (retrying until it can) and starts the checkpoint writer and the pruning. Resolves once loaded. */
  async start(): Promise<void> {
    await this.loadUntilDone(false);
    if (this.closed) return;
    this.timers.push(
      setInterval(() => void this.writeCheckpoint().catch(() => undefined), this.d.checkpointIntervalMs),
      setInterval(() => void this.run(() => this.prune()), PRUNE_MS),
    );
    for (const t of this.timers) t.unref();
  }

  /** Stops following the feed, the timers and the retries; waits for the serial chain. */
  async close(): Promise<void> {
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    this.closed = true;
    this.stopping.abort();
    await this.serial.catch(() => undefined);
  }

  /**
   * Writes a checkpoint when this pod holds (or takes) the writer's lease and Redis is up.
   * Resolves to whether one was written. Runs in the serial chain.
   */
  writeCheckpoint(): Promise<boolean> {
    return this.run(async () => {
      const redis = this.d.redis();
      const epoch = this.book.epoch;
      if (!redis || !this.loadedFlag || !epoch || epoch !== this.d.epoch()) return false;
      const store = new CheckpointStore(redis, this.d.prefix);
      if (!(await store.lease(this.d.podId, 2 * this.d.checkpointIntervalMs))) return false;
      try {
        const started = this.now();
        const meta = await store.write(this.book.entries(), {
          epoch,
          watermark: this.book.watermark,
          podId: this.d.podId,
        });
        this.d.metrics.budgetCheckpoints.inc({ outcome: 'written' });
        this.d.log.debug({ ...meta, durationMs: this.now() - started }, 'budget checkpoint written');
        return true;
      } catch (err) {
        this.d.metrics.budgetCheckpoints.inc({ outcome: 'failed' });
        this.d.log.warn({ err: (err as Error).message }, 'writing the budget checkpoint failed');
        return false;
      }
    });
  }

  /** Runs `task` after every mutation queued before it. */
  private run<T>(task: () => Promise<T> | T): Promise<T> {
    const next = this.serial.then(task);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private pushed(changes: LogChange[]): void {
    if (changes.length === 0) {
      // The log was replaced (a restored database): what the book holds belongs to the old log.
      this.replaced = true;
      this.queue = [];
    } else if (this.queue.length < MAX_QUEUED) {
      for (const c of changes) this.queue.push(c);
    }
    // Over the bound the changes are dropped here and read again by the catch-up (the position says how far).
    this.kick();
  }

  private kick(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.run(() => this.pump()).finally(() => {
      this.pumping = false;
      if (this.loadedFlag && !this.closed && (this.queue.length > 0 || this.replaced)) this.kick();
    });
  }

  /** Applies what is queued, filling gaps first; a failed fill is retried with backoff. */
  private async pump(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      if (this.replaced) {
        await this.reloadAfterReplace();
        continue;
      }
      if (!this.loadedFlag) return;
      try {
        await this.drain();
        return;
      } catch (err) {
        this.d.log.debug({ err: (err as Error).message }, 'budget catch-up failed; retrying');
        await sleep(backoffMs(attempt, 250, 5_000), this.stopping.signal).catch(() => undefined);
      }
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const gapAt = this.book.apply(batch);
      if (gapAt !== null) {
        // Put back what was not applied, then read the gap.
        this.queue = batch.filter((c) => c.id >= gapAt).concat(this.queue);
        await this.fill(gapAt - 1);
      }
    }
    await this.fill(this.d.position());
    this.d.metrics.budgetWatermark.set(this.book.watermark);
  }

  /** Reads and applies the changes after the watermark up to `upTo` (tail first, else PostgreSQL). */
  private async fill(upTo: number): Promise<void> {
    while (this.book.watermark < upTo) {
      const after = this.book.watermark;
      const changes = await readTailFirst({
        tail: this.d.tail(),
        after,
        limit: PAGE,
        target: upTo,
        readLog: () => readChanges(this.d.db.sql, after, PAGE, upTo),
        counted: (source) => this.d.metrics.changeLogReads.inc({ reader: 'budget', source }),
      });
      if (changes.length === 0) return;
      this.book.apply(changes);
      if (this.book.watermark === after) return;
    }
  }

  private async reloadAfterReplace(): Promise<void> {
    this.replaced = false;
    this.loadedFlag = false;
    this.book.clear();
    this.queue = [];
    await this.loadUntilDone(true);
  }

  /** Retries loads until one works (or close); `inChain`: called from a task of the serial chain. */
  private async loadUntilDone(inChain: boolean): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      await this.d.whenLoaded();
      const source = await (inChain ? this.loadOnce() : this.run(() => this.loadOnce())).catch((err: Error) => {
        this.d.log.warn({ err: err.message }, 'loading the budget state failed');
        return null;
      });
      if (source) {
        this.source = source;
        this.loadedFlag = true;
        this.d.metrics.budgetLoads.inc({ source });
        this.d.log.info({ source, entities: this.book.size, watermark: this.book.watermark }, 'budget state loaded');
        this.kick();
        return;
      }
      if (attempt === 1)
        this.d.log.warn('budget state: neither a Redis checkpoint nor PostgreSQL is available; retrying');
      await sleep(backoffMs(attempt, 500, 5_000), this.stopping.signal).catch(() => undefined);
    }
  }

  /** One load attempt: the checkpoint of this log, else PostgreSQL; null when neither answers. */
  private async loadOnce(): Promise<BudgetSource | null> {
    const epoch = this.d.epoch();
    const redis = this.d.redis();
    if (redis && epoch) {
      const got = await new CheckpointStore(redis, this.d.prefix).read(epoch).catch((err: Error) => {
        this.d.log.warn({ err: err.message }, 'reading the budget checkpoint failed');
        return null;
      });
      if (got) {
        this.book.replace(got.timelines, got.meta.watermark, epoch);
        this.prune();
        return 'checkpoint';
      }
    }
    try {
      const from = this.now() - this.horizonMs();
      const loaded = await this.d.db.snapshotTx(async (sql, copy) => {
        const head = await logHead(sql);
        const logEpoch = await readEpoch(sql);
        const timelines = await timelinesFromLog(
          rowReader(sql, copy),
          {},
          { from, to: END_OF_TIME },
          { staleAfterMs: this.d.staleAfterMs },
        );
        return { head, logEpoch, timelines };
      });
      this.book.replace(loaded.timelines, loaded.head, loaded.logEpoch);
      return 'postgres';
    } catch (err) {
      this.d.log.debug({ err: (err as Error).message }, 'budget state: PostgreSQL load failed');
      return null;
    }
  }

  private horizonMs(): number {
    return memoryHorizonDays(this.d.policy(), this.d.tenants()) * DAY_MS;
  }

  private prune(): void {
    this.book.prune(this.now() - this.horizonMs());
  }
}
