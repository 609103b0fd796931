import type { Budget } from '@sla/shared';

/**
 * How a budget stands, for its colour and its words (never colour alone):
 * `exhausted` at or below 0 % remaining, `low` under 25 %, `ok` otherwise, `unknown` when
 * nothing is allowed yet (no counted time).
 */
export type BudgetState = 'ok' | 'low' | 'exhausted' | 'unknown';

export const LOW_BUDGET_PCT = 25;

export function budgetState(remainingPct: number | null | undefined): BudgetState {
  if (remainingPct == null || !Number.isFinite(remainingPct)) return 'unknown';
  if (remainingPct <= 0) return 'exhausted';
  if (remainingPct < LOW_BUDGET_PCT) return 'low';
  return 'ok';
}

export const BUDGET_STATE_LABEL: Record<BudgetState, string> = {
  ok: 'Healthy',
  low: 'Low',
  exhausted: 'Exhausted',
  unknown: 'No data',
};

/** Width of a budget bar, 0–100: a negative remainder shows as an empty bar. */
export const barWidth = (remainingPct: number | null | undefined): number =>
  remainingPct == null || !Number.isFinite(remainingPct) ? 0 : Math.max(0, Math.min(100, remainingPct));

/**
 * The projection in words, relative to `now`: "exhausts in 3 days", "exhausted" when
 * already spent, "not burning" when there is no projection.
 */
export function exhaustsLabel(
  b: Pick<Budget, 'exhaustsAt'> & { rolling: { remainingMs: number } },
  now: number,
): string {
  if (b.rolling.remainingMs <= 0) return 'exhausted';
  if (!b.exhaustsAt) return 'not burning';
  const t = Date.parse(b.exhaustsAt);
  if (Number.isNaN(t)) return 'not burning';
  const diff = t - now;
  if (diff <= 0) return 'exhausting now';
  return `exhausts ${relative(diff)}`;
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
function relative(diffMs: number): string {
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, ms] of steps) if (diffMs >= ms) return rtf.format(Math.round(diffMs / ms), unit);
  return rtf.format(1, 'minute');
}

/**
 * The alerting tiers of the SRE workbook: a burn of 14.4 (2 % of a 30-day budget in an
 * hour) pages on the 1 h / 5 min pair, 6 (5 % in 6 h) on 6 h / 30 min, 1 opens a ticket on 3 d / 6 h.
 */
export const BURN_TIERS = [
  { threshold: 14.4, label: 'page (fast)', windows: [60, 5] },
  { threshold: 6, label: 'page', windows: [360, 30] },
  { threshold: 1, label: 'ticket', windows: [4320, 360] },
] as const;

/** The threshold a window is judged against: the highest tier that uses it. */
export function thresholdFor(windowMinutes: number): number {
  for (const t of BURN_TIERS) if ((t.windows as readonly number[]).includes(windowMinutes)) return t.threshold;
  return 1;
}

export type BurnLevel = 'over' | 'elevated' | 'ok' | 'unknown';

/**
 * A burn rate against its window's threshold: `over` at or above it, `elevated` above 1
 * (spending faster than the budget allows) but below it, `ok` at or below 1.
 */
export function burnLevel(rate: number | null, windowMinutes: number): BurnLevel {
  if (rate == null || !Number.isFinite(rate)) return 'unknown';
  if (rate >= thresholdFor(windowMinutes)) return 'over';
  if (rate > 1) return 'elevated';
  return 'ok';
}

/** Position 0–100 of a burn rate on the tiles' gauge: log scale from 0.1 to 30, so 1, 6 and 14.4 spread out. */
export function burnGaugePct(rate: number): number {
  const lo = Math.log10(0.1);
  const hi = Math.log10(30);
  const v = Math.log10(Math.max(0.1, Math.min(30, rate)));
  return ((v - lo) / (hi - lo)) * 100;
}

const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
export const formatBurnRate = (rate: number | null): string => (rate == null ? '–' : `${rateFormat.format(rate)}×`);
