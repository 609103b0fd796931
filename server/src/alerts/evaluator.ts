import type { NoDataPolicy } from '@sla/shared';
import type { Logger } from 'pino';
import type { BudgetBook } from '../budget/book.js';
import type { Db } from '../db/sql.js';
import type { AlertRecord } from '../domain/alerts/index.js';
import type { ScopedWindow } from '../domain/budget/index.js';
import { sleep } from '../platform/backoff.js';
import type { EntityView } from '../readmodel/view.js';
import type { IngestAvailability } from './availability.js';
import { runCycle } from './cycle.js';
import type { AlertConfigSource } from './engine-types.js';
import { type LeaseFence, LeaseLost } from './lease.js';
import type { AlertMetrics, EvaluationMetrics } from './metrics.js';
import { loadAlertRecords } from './records.js';
import { recordChanges } from './store.js';

/** What the evaluator reads and writes, handed in by the composition root. */
export type EvaluatorDeps = {
  db: Pick<Db, 'sql' | 'tx'>;
  source: AlertConfigSource;
  view: EntityView;
  book: BudgetBook;
  /** Whether the view and the book are loaded: evaluating an empty view would resolve every alert. */
  loaded: () => boolean;
  policy: { settingsOf(tenantName: string): { noDataPolicy: NoDataPolicy }; scopedWindows(): readonly ScopedWindow[] };
  availability: IngestAvailability;
  /** Called after changes were queued in the outbox (pokes the sender). */
  onQueued: () => void;
  metrics?: { alerts?: AlertMetrics | undefined; evaluation?: EvaluationMetrics | undefined };
  log?: Logger | undefined;
  now?: () => number;
};

/** Timing of evaluation. */
export type EvaluatorOptions = {
  /** ALERT_EVALUATION_INTERVAL_SECONDS × 1000. */
  intervalMs: number;
  /** ALERT_STALE_GRACE_SECONDS × 1000. */
  graceMs: number;
  /** STALE_AFTER_MINUTES × 60,000 (how budgets count an entity's silence). */
  staleAfterMs: number;
  /** ALERT_OUTBOX_MAX. */
  outboxMax: number;
  /** How long after a change arrives the cycle runs (ms, default 200): changes of one burst share a cycle. */
  debounceMs?: number;
  /** More changed entities than this make the next cycle a full one (default 10,000). */
  maxIncremental?: number;
};

/**
 * Evaluates every alert rule on one pod of the fleet (the holder of the `alerting` PgLease,
 * so it works with Redis down): a full cycle over every entity every `intervalMs` (and after
 * the configuration changed or the lease was won), and `debounceMs` after `changed` was
 * told of changed entities an incremental cycle over those alone (`runCycle`'s `only`), so the
 * time from a breaching result to its alert does not grow with the fleet. A cycle reads the configuration through the source (a copy in memory, re-read
 * now and then), runs `runCycle` over the pod's
 * view and budget book, and records the state changes (fenced) with `recordChanges`. Alert
 * records are loaded from `sla_alert` when the lease is won and after any failed write, and kept
 * in memory otherwise. A cycle that fails (PostgreSQL away, the source failing) changes nothing
 * in memory and is retried at the next tick.
 */
export class AlertEvaluator {
  private wake: AbortController | null = null;
  private due = false;
  /** Entities changed since the last cycle, for the next incremental one. */
  private changedIds = new Set<number>();
  /** Whether the next cycle must be a full one (configuration changed, the feed reset, too many changes). */
  private fullDue = true;
  private lastFullAt = Number.NEGATIVE_INFINITY;
  private readonly debounceMs: number;
  private readonly maxIncremental: number;
  /** When the last cycle ended and how long it took (performance.now() ms): spaces change-driven cycles. */
  private lastEnd = 0;
  private lastSpent = 0;

  constructor(
    private readonly deps: EvaluatorDeps,
    private readonly options: EvaluatorOptions,
  ) {
    this.debounceMs = options.debounceMs ?? 200;
    this.maxIncremental = options.maxIncremental ?? 10_000;
  }

  /**
   * How long to wait before a change-driven cycle: the debounce, and at least three times the last
   * incremental cycle's duration since it ended, so a steady stream of changes keeps evaluation
   * under about a quarter of one core.
   */
  private changeDelayMs(): number {
    return Math.max(this.debounceMs, this.lastEnd + 3 * this.lastSpent - performance.now());
  }

  /**
   * Entities changed (`entityIds`), or, without ids, anything may have (the configuration, a
   * reset of the feed): evaluate after `changeDelayMs`, incrementally over the changed entities
   * unless a full cycle is due (on the lease holder; elsewhere the ids are only kept, and dropped
   * by the full cycle a new holder starts with).
   */
  changed(entityIds?: Iterable<number>): void {
    if (entityIds === undefined) this.fullDue = true;
    else if (!this.fullDue) {
      for (const id of entityIds) this.changedIds.add(id);
      if (this.changedIds.size > this.maxIncremental) this.fullDue = true;
    }
    if (this.fullDue) this.changedIds.clear();
    if (this.due) return;
    this.due = true;
    const wake = this.wake;
    if (wake) setTimeout(() => wake.abort(), this.changeDelayMs()).unref();
  }

  /**
   * Evaluates until `lost` aborts, as the holder of `fence` (`holdAlerting` runs it beside the
   * sender under the fleet's one `alerting` lease).
   * @throws LeaseLost when a fenced write found the lease gone.
   */
  async work(fence: LeaseFence, lost: AbortSignal): Promise<void> {
    let records: Map<string, AlertRecord> | null = null;
    // Changes heard while another pod held the lease were evaluated there: start with a full cycle.
    this.fullDue = true;
    this.changedIds.clear();
    while (!lost.aborted) {
      this.due = false;
      const full = this.fullDue || performance.now() - this.lastFullAt >= this.options.intervalMs;
      const only = full ? undefined : this.changedIds;
      this.changedIds = new Set();
      if (full) this.fullDue = false;
      let napMs: number;
      try {
        records ??= await loadAlertRecords(this.deps.db.sql);
        records = await this.cycle(fence, records, only);
        napMs =
          this.lastFullAt === Number.NEGATIVE_INFINITY
            ? // The view or the book is still loading: look again in a second.
              Math.min(1_000, this.options.intervalMs)
            : Math.max(0, this.lastFullAt + this.options.intervalMs - performance.now());
      } catch (err) {
        // The write may or may not have committed: the table is the truth, read it again (fully).
        records = null;
        this.fullDue = true;
        napMs = this.options.intervalMs;
        this.deps.log?.warn({ err }, 'alert evaluation failed: retried at the next tick');
        if (err instanceof LeaseLost) throw err;
      }
      await this.nap(this.due ? Math.min(this.changeDelayMs(), napMs) : napMs, lost);
    }
  }

  /**
   * One cycle, full or over the entities in `only`; returns the records to keep (unchanged when
   * nothing can be evaluated yet: the next cycle is then a full one).
   */
  private async cycle(
    fence: LeaseFence,
    records: Map<string, AlertRecord>,
    only: ReadonlySet<number> | undefined,
  ): Promise<Map<string, AlertRecord>> {
    const d = this.deps;
    if (!d.loaded()) {
      this.fullDue = true;
      return records;
    }
    if (only?.size === 0) return records;
    const config = await d.source();
    const now = (d.now ?? Date.now)();
    const started = performance.now();
    const result = await runCycle(
      config,
      records,
      {
        view: d.view,
        book: d.book,
        noDataPolicyOf: (t) => d.policy.settingsOf(t).noDataPolicy,
        windows: d.policy.scopedWindows(),
        staleAfterMs: this.options.staleAfterMs,
        ingestUnavailableSince: d.availability.unavailableSince,
        ingestBackAt: d.availability.backAt,
        graceMs: this.options.graceMs,
      },
      now,
      only,
    );
    const ended = performance.now();
    d.metrics?.evaluation?.evaluationSeconds.observe(
      { cycle: only ? 'incremental' : 'full' },
      (ended - started) / 1000,
    );
    if (only) {
      this.lastEnd = ended;
      this.lastSpent = ended - started;
    } else this.lastFullAt = started;
    if (result.toRecord.length === 0) return result.next;
    const outcome = await recordChanges(d.db, fence, result.toRecord, {
      outboxMax: this.options.outboxMax,
      metrics: d.metrics?.alerts,
      log: d.log,
    });
    d.log?.info(
      {
        changes: result.toRecord.length,
        delivered: result.delivered,
        queued: outcome.queued,
        skipped: outcome.skipped,
      },
      'alert state changes recorded',
    );
    if (outcome.queued > 0) d.onQueued();
    // A skipped change means the table is ahead of memory (a write whose answer was lost): re-read it.
    return outcome.skipped > 0 ? await loadAlertRecords(d.db.sql) : result.next;
  }

  /** Sleeps `ms`, cut short by a change (after the debounce), the lease's loss or stop. */
  private async nap(ms: number, lost: AbortSignal): Promise<void> {
    if (lost.aborted) return;
    if (this.due) ms = Math.min(ms, this.changeDelayMs());
    const cut = new AbortController();
    const onLost = () => cut.abort();
    lost.addEventListener('abort', onLost, { once: true });
    this.wake = cut;
    await sleep(ms, cut.signal);
    lost.removeEventListener('abort', onLost);
    this.wake = null;
  }
}
