import { BURN_WINDOWS_MINUTES, type Budget } from '@sla/shared';
import {
  burnRate,
  type CountingPolicy,
  calendarMonth,
  emptySums,
  exclusionsFor,
  exhaustsAt,
  figuresOf,
  type ScopedEntity,
  type ScopedWindow,
  sumsOver,
  toWireFigures,
} from '../domain/budget/index.js';
import type { BudgetSums, Exclusion, Interval, Timeline } from '../domain/budget/types.js';
import type { BudgetSettings } from './policy.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Index of the 1-hour burn window: the current burn the projection uses (docs/budgets.md). */
const HOUR_WINDOW = BURN_WINDOWS_MINUTES.indexOf(60);

/** Everything one tenant's budgets are computed against at one instant. */
export type BudgetContext = {
  now: number;
  settings: BudgetSettings;
  rolling: Interval;
  calendar: Interval;
  burns: Interval[];
  counting: CountingPolicy;
  /** The tenant's maintenance windows (in the policy store's shape, which `exclusionsFor` takes). */
  windows: ScopedWindow[];
  /** The widest range any figure looks at: what exclusions are expanded over. */
  span: Interval;
};

/** The sums of one entity or a rollup: the rolling and calendar windows and each burn window. */
export type SumsBundle = { rolling: BudgetSums; calendar: BudgetSums; burns: BudgetSums[] };

/** The context of a tenant with `settings` at `now` (windows: all of the policy's; the tenant's are kept). */
export function contextOf(
  tenantName: string,
  settings: BudgetSettings,
  windows: readonly ScopedWindow[],
  now: number,
  staleAfterMs: number,
): BudgetContext {
  const month = calendarMonth(now, settings.timeZone);
  const rolling: Interval = [now - settings.windowDays * DAY_MS, now];
  const burns = BURN_WINDOWS_MINUTES.map((m): Interval => [now - m * MINUTE_MS, now]);
  const from = Math.min(rolling[0], month.from, ...burns.map((b) => b[0]));
  return {
    now,
    settings,
    rolling,
    calendar: [month.from, month.to],
    burns,
    counting: { noDataPolicy: settings.noDataPolicy, staleAfterMs },
    windows: windows.filter((w) => w.scope.tenantName === tenantName),
    span: [from, Math.max(now, month.to)],
  };
}

/** The exclusions of one entity over the context's span (none when the tenant has no windows). */
export function exclusionsOf(entity: ScopedEntity, ctx: BudgetContext, span: Interval = ctx.span): Exclusion[] {
  return ctx.windows.length === 0 ? [] : exclusionsFor(entity, ctx.windows, span);
}

/** Whether a maintenance window applies to the entity at the context's instant. */
export const inMaintenance = (exclusions: readonly Exclusion[], now: number): boolean =>
  exclusions.some((e) => e.start <= now && now < e.end);

/** One entity's sums (empty when the book holds no timeline for it yet). */
export function entitySums(t: Timeline | undefined, exclusions: readonly Exclusion[], ctx: BudgetContext): SumsBundle {
  const over = (range: Interval) =>
    t ? sumsOver(t, range, exclusions, ctx.counting, ctx.now) : emptySums(range[0], range[1]);
  return { rolling: over(ctx.rolling), calendar: over(ctx.calendar), burns: ctx.burns.map(over) };
}

/** Nothing yet: the start of a rollup over the context's windows. */
export function emptyBundle(ctx: BudgetContext): SumsBundle {
  const none = (r: Interval) => emptySums(r[0], r[1]);
  return { rolling: none(ctx.rolling), calendar: none(ctx.calendar), burns: ctx.burns.map(none) };
}

/**
 * `into = addSums(into, b)` without a new object: a rollup over 100,000 entities then
 * allocates nothing per entity for its totals. Same rule for `target` as `addSums`.
 */
function addSumsInto(into: BudgetSums, b: BudgetSums): void {
  // A side with no target and nothing counted is empty and never disagrees.
  const none = into.target === null && into.countedMs === 0;
  const other = b.target === null && b.countedMs === 0;
  if (none) into.target = b.target;
  else if (!other && into.target !== b.target) into.target = null;
  into.countedMs += b.countedMs;
  into.breachMs += b.breachMs;
  into.excludedMs += b.excludedMs;
  into.noDataMs += b.noDataMs;
  into.allowedMs += b.allowedMs;
  into.slaMs += b.slaMs;
  into.reportedMs += b.reportedMs;
  into.targetMs += b.targetMs;
  into.from = Math.min(into.from, b.from);
  into.to = Math.max(into.to, b.to);
}

/** `into + b` window by window (a time-weighted rollup), in place. */
export function addBundleInto(into: SumsBundle, b: SumsBundle): void {
  addSumsInto(into.rolling, b.rolling);
  addSumsInto(into.calendar, b.calendar);
  for (let i = 0; i < into.burns.length; i++) addSumsInto(into.burns[i] as BudgetSums, b.burns[i] as BudgetSums);
}

/** The wire budget of sums (an entity or a rollup) in a context. */
export function budgetOf(b: SumsBundle, ctx: BudgetContext): Budget {
  const at = exhaustsAt(b.rolling, b.burns[HOUR_WINDOW] as BudgetSums, ctx.now);
  return {
    rolling: toWireFigures(figuresOf(b.rolling)),
    calendar: toWireFigures(figuresOf(b.calendar)),
    burnRates: BURN_WINDOWS_MINUTES.map((windowMinutes, i) => ({
      windowMinutes,
      burnRate: burnRate(b.burns[i] as BudgetSums),
    })),
    exhaustsAt: at === null ? null : new Date(at).toISOString(),
    noDataPolicy: ctx.settings.noDataPolicy,
    timeZone: ctx.settings.timeZone,
    windowDays: ctx.settings.windowDays,
  };
}
