/**
 * The precision every report figure is rounded to (docs/budgets.md "Precision"), so the
 * same data always gives the same text and the same content hash: percentages to 4
 * decimals, durations to whole milliseconds, minutes to 2 decimals. Rounding is half away
 * from zero on the decimal value (`Math.round` of the scaled number).
 */
const roundTo = (x: number, scale: number) => {
  const r = Math.round(Math.abs(x) * scale) / scale;
  return x < 0 && r !== 0 ? -r : r; // never -0: it would print differently from 0
};

/** A percentage (0–100, or beyond for budget used) to 4 decimals. */
export const roundPct = (x: number): number => roundTo(x, 10_000);
/** A percentage or null. */
export const pctOrNull = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : roundPct(x));
/** Milliseconds to a whole number. */
export const roundMs = (ms: number): number => roundTo(ms, 1);
/** Minutes to 2 decimals. */
export const roundMinutes = (min: number): number => roundTo(min, 100);
/** A duration in ms as minutes to 2 decimals. */
export const minutesOf = (ms: number): number => roundMinutes(ms / 60_000);

/** Share of the budget spent, % (over 100 once exhausted); null when nothing is allowed. */
export const budgetUsedPct = (breachMs: number, allowedMs: number): number | null =>
  allowedMs > 0 ? roundPct((100 * breachMs) / allowedMs) : null;
