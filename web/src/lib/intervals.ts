/** An interval `[start, end)` in epoch ms. */
export type Span = readonly [start: number, end: number];

/**
 * Maintenance-window occurrences (ISO strings) as spans clipped to `[from, to)`, sorted and
 * with overlaps merged, ready for shading a chart (an overlap must not shade twice as dark).
 */
export function windowSpans(items: readonly { start: string; end: string }[], from: number, to: number): Span[] {
  const spans = items
    .map((w) => [Math.max(from, Date.parse(w.start)), Math.min(to, Date.parse(w.end))] as const)
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e) && e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Whether `t` falls inside any of the (sorted, merged) spans. */
export const inSpans = (spans: readonly Span[], t: number): boolean => spans.some(([s, e]) => t >= s && t < e);

/** Total time covered by the spans, for the charts' text alternatives. */
export const spansTotal = (spans: readonly Span[]): number => spans.reduce((n, [s, e]) => n + (e - s), 0);
