import type { NoDataPolicy, WindowCategory } from '@sla/shared';

/**
 * The pure vocabulary of error budgets (definitions: docs/budgets.md). Times are epoch
 * milliseconds, durations milliseconds, targets and SLAs percentages (0–100).
 */

/** How a stretch of an entity's timeline counts (docs/budgets.md, the class table). */
export type SegmentClass = 'good' | 'bad' | 'nodata' | 'stale';

/**
 * A closed stretch `[start, end)` of a timeline with one class and one target.
 * `slaMs` = Σ currentSla × duration over it, so the mean reported SLA of any part is
 * `slaMs / (end − start)` scaled to that part (time-weighted).
 */
export type Segment = { start: number; end: number; cls: SegmentClass; target: number; slaMs: number };

/** The latest applied result of a timeline: holds from `observedAt` until the next one (stale after the stale time). */
export type OpenResult = {
  observedAt: number;
  cls: Exclude<SegmentClass, 'stale'>;
  target: number;
  currentSla: number;
};

/**
 * An entity's timeline: closed segments (ascending, adjacent segments of equal class and
 * target merged) and the open latest result. `firstObservedAt` is where counted time starts.
 * Segments ending before `horizon` may have been dropped (memory bound); figures over a
 * window starting before `horizon` are then partial (the caller reads older time elsewhere).
 */
export type Timeline = { firstObservedAt: number; horizon: number; segments: Segment[]; open: OpenResult | null };

/** A half-open interval `[start, end)` in epoch ms. */
export type Interval = readonly [start: number, end: number];

/** An exclusion with the category it is counted under in reports. */
export type Exclusion = { start: number; end: number; category: WindowCategory };

/** What decides how a timeline counts. */
export type CountingPolicy = { noDataPolicy: NoDataPolicy; staleAfterMs: number };

/** Raw sums over a window; every figure derives from these (and rollups add them up). */
export type BudgetSums = {
  from: number;
  to: number;
  countedMs: number;
  breachMs: number;
  excludedMs: number;
  noDataMs: number;
  /** Σ allowed breach time (target applied per entity). */
  allowedMs: number;
  /** Σ currentSla × counted ms of reported (good/bad) time, for the mean reported SLA. */
  slaMs: number;
  /**
   * Counted ms of `good`/`bad` time: the time the poller reported an SLA for, the denominator of
   * the mean reported SLA (`nodata`/`stale` time carries no measurement, so it never enters the mean).
   */
  reportedMs: number;
  /** Σ target × counted ms, for a rollup's weighted target. */
  targetMs: number;
  /**
   * The target in effect at `to` (one entity: its latest applied result before `to`, null when it
   * has none); a rollup keeps it when every entity has the same target, else null (then the
   * weighted `targetMs / countedMs` is the rollup's target).
   */
  target: number | null;
};
