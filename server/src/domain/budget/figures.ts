import type { BudgetFigures } from '@sla/shared';
import type { BudgetSums } from './types.js';

/** Budget figures of one window with epoch-ms bounds (`toWireFigures` formats them for the wire). */
export type Figures = Omit<BudgetFigures, 'from' | 'to'> & { from: number; to: number };

/**
 * The figures docs/budgets.md defines, from sums (one entity or a rollup): durations in ms,
 * percentages 0–100. `target`: the sums' target, else the counted-time-weighted one, null when
 * neither is known; `remainingPct` null when nothing is allowed; `compliance` null when nothing
 * is counted; `meanReportedSla` null when no good/bad time is counted.
 */
export function figuresOf(s: BudgetSums): Figures {
  const remainingMs = s.allowedMs - s.breachMs;
  return {
    from: s.from,
    to: s.to,
    target: s.target ?? (s.countedMs > 0 ? s.targetMs / s.countedMs : null),
    countedMs: s.countedMs,
    breachMs: s.breachMs,
    excludedMs: s.excludedMs,
    noDataMs: s.noDataMs,
    allowedMs: s.allowedMs,
    remainingMs,
    remainingPct: s.allowedMs > 0 ? (100 * remainingMs) / s.allowedMs : null,
    compliance: s.countedMs > 0 ? 100 * (1 - s.breachMs / s.countedMs) : null,
    meanReportedSla: s.reportedMs > 0 ? s.slaMs / s.reportedMs : null,
  };
}

/** The wire shape (`ZBudgetFigures`): `from`/`to` as ISO 8601 strings. */
export const toWireFigures = (f: Figures): BudgetFigures => ({
  ...f,
  from: new Date(f.from).toISOString(),
  to: new Date(f.to).toISOString(),
});

/**
 * Burn rate over the window the sums cover (docs/budgets.md): `(breach / counted) /
 * ((100 − target) / 100)`, which for sums (allowed = fraction × counted, also summed in
 * rollups) is `breach / allowed`. Null when nothing is counted or nothing is allowed
 * (a 100 % target).
 */
export function burnRate(s: BudgetSums): number | null {
  if (s.countedMs <= 0 || s.allowedMs <= 0) return null;
  return s.breachMs / s.allowedMs;
}

/**
 * Projected exhaustion (docs/budgets.md), epoch ms: `now + remaining ÷ (burn × allowed
 * fraction)` with `remaining` from `rolling` and the burn from `lastHour`; burn × allowed
 * fraction of the last hour is its breach share (breach ms per counted ms), so this is when
 * the rolling budget runs out if time keeps being counted and breached as in the last hour.
 * Null when the budget is spent (remaining ≤ 0), or the last hour has no burn rate or burns 0.
 */
export function exhaustsAt(rolling: BudgetSums, lastHour: BudgetSums, now: number): number | null {
  const remaining = rolling.allowedMs - rolling.breachMs;
  const burn = burnRate(lastHour);
  if (remaining <= 0 || burn === null || burn === 0) return null;
  const breachShare = lastHour.breachMs / lastHour.countedMs;
  return Math.round(now + remaining / breachShare);
}
