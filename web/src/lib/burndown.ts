import type { Burndown } from '@sla/shared';

export type { Burndown };

/** uPlot's data: x in seconds, remaining budget in minutes, the even-spend line in minutes. */
export type BurndownData = [xs: number[], remaining: (number | null)[], ideal: number[]];

/**
 * The burn-down chart's series: remaining budget over the calendar period, against the
 * line of spending it evenly (all of it at the start, none at the end). The x axis spans
 * the whole period so the reader sees how much of it is still ahead.
 */
export function burndownData(b: Burndown): BurndownData {
  const from = Date.parse(b.from);
  const to = Date.parse(b.to);
  const allowedMin = b.allowedMs / 60_000;
  const pts = b.points
    .map((p) => ({ t: Date.parse(p.at), v: p.remainingMs / 60_000 }))
    .filter((p) => Number.isFinite(p.t) && p.t >= from && p.t <= to)
    .sort((a, b2) => a.t - b2.t);
  const xs = [from, ...pts.map((p) => p.t), to];
  const ideal = xs.map((t) => (to > from ? allowedMin * (1 - (t - from) / (to - from)) : 0));
  const remaining: (number | null)[] = [null, ...pts.map((p) => p.v), null];
  // The two ends carry no measurement unless a point falls exactly on them.
  return [xs.map((t) => t / 1000), remaining, ideal.map((v) => Math.round(v * 100) / 100)];
}

/** A sentence for the burn-down's text alternative. */
export function describeBurndown(b: Burndown, fmt: (ms: number) => string): string {
  const last = b.points.at(-1);
  if (!last) return 'No budget data for this period yet.';
  const pct = b.allowedMs > 0 ? Math.round((last.remainingMs / b.allowedMs) * 100) : null;
  return `Calendar-period budget: ${fmt(b.allowedMs)} allowed, ${fmt(last.remainingMs)} remaining${pct == null ? '' : ` (${pct} %)`}.`;
}
