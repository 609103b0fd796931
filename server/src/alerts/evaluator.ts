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
import type { AlertConfig, AlertConfigSource } from './engine-types.js';
import { walkIds } from './inputs.js';
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
 * in memory otherwise (a cycle updates them in place). A cycle that fails (PostgreSQL away, the
 * source failing) drops them, to be read again from the table, and is retried at the next tick.
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
        // Evaluating an empty view would resolve every alert: nothing until it is loaded, then a full walk.
        if (!this.deps.loaded()) this.fullDue = true;
        else if (only) records = await this.incremental(fence, records, only);
        else records = await this.fullWalk(fence, records, lost);
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
   * A full cycle: every entity of the rules' tenants (and of every record, so the alerts of an
   * entity gone from the view resolve) in runs of `WALK_CHUNK` entities, each run a complete
   * cycle over its entities (`runCycle`'s `only`: an entity's conditions depend on it alone).
   * Entities changed while the walk goes on are evaluated between two runs, so a breaching
   * result waits for one run, not for the walk of 100,000 entities. A configuration change
   * heard meanwhile does not cut the walk short (changes heard more often than a walk lasts
   * would starve its last entities): the next walk starts when it ends. Returns the records to keep.
   */
  private async fullWalk(
    fence: LeaseFence,
    records: Map<string, AlertRecord>,
    lost: AbortSignal,
  ): Promise<Map<string, AlertRecord>> {
    const d = this.deps;
    const config = await d.source();
    const started = performance.now();
    const ids = walkIds(config, d.view, records);
    let spent = 0;
    for (let i = 0; i < ids.length; i += WALK_CHUNK) {
      if (lost.aborted) return records;
      const step = await this.cycle(fence, config, records, new Set(ids.slice(i, i + WALK_CHUNK)));
      records = step.records;
      spent += step.ms;
      if (this.changedIds.size > 0 && performance.now() >= this.lastEnd + this.debounceMs && !this.fullDue)
        records = await this.incremental(fence, records, this.takeChanged(), config);
    }
    d.metrics?.evaluation?.evaluationSeconds.observe({ cycle: 'full' }, spent / 1000);
    this.lastFullAt = started;
    return records;
  }

  /** An incremental cycle over the entities in `only`; returns the records to keep. */
  private async incremental(
    fence: LeaseFence,
    records: Map<string, AlertRecord>,
    only: ReadonlySet<number>,
    config?: AlertConfig,
  ): Promise<Map<string, AlertRecord>> {
    const d = this.deps;
    if (only.size === 0) return records;
    const run = await this.cycle(fence, config ?? (await d.source()), records, only);
    d.metrics?.evaluation?.evaluationSeconds.observe({ cycle: 'incremental' }, run.ms / 1000);
    this.lastEnd = performance.now();
    this.lastSpent = run.ms;
    return run.records;
  }

  /** The entities changed since the last cycle, handed over (the set starts again empty). */
  private takeChanged(): Set<number> {
    const taken = this.changedIds;
    this.changedIds = new Set();
    return taken;
  }

  /**
   * `runCycle` over the entities in `only` and the write of its changes; returns the records to
   * keep and the time evaluation took (ms, the write excluded).
   */
  private async cycle(
    fence: LeaseFence,
    config: AlertConfig,
    records: Map<string, AlertRecord>,
    only: ReadonlySet<number>,
  ): Promise<{ records: Map<string, AlertRecord>; ms: number }> {
    const d = this.deps;
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
    const ms = performance.now() - started;
    if (result.toRecord.length === 0) return { records: result.next, ms };
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
    return { records: outcome.skipped > 0 ? await loadAlertRecords(d.db.sql) : result.next, ms };
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

/** Entities per run of a full walk: about 10 ms of evaluation at three rules. */
const WALK_CHUNK = 2_000;
