import { WINDOW_CATEGORY_LABEL } from './windows';

export type ReportQuery = { tenantName: string; period: string; teamName?: string | null; entityId?: number | null };

/** The CSV download link of a report (`GET /api/reports/csv`), same parameters as `reports.get`. */
export function reportCsvHref(q: ReportQuery): string {
  const p = new URLSearchParams({ tenantName: q.tenantName, period: q.period });
  if (q.teamName) p.set('teamName', q.teamName);
  if (q.entityId != null) p.set('entityId', String(q.entityId));
  return `/api/reports/csv?${p.toString()}`;
}

/** Every window category that has excluded time in any row, in the categories' own order, for the table's columns. */
export function excludedCategories(rows: readonly { excludedMinutes: Record<string, number> }[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const [k, v] of Object.entries(r.excludedMinutes)) if (v > 0) seen.add(k);
  const known = Object.keys(WINDOW_CATEGORY_LABEL).filter((k) => seen.has(k));
  return [...known, ...[...seen].filter((k) => !known.includes(k)).sort()];
}

/** A hash shortened for display (the full one stays in the title and the CSV). */
export const shortHash = (h: string | null): string => (h ? `${h.slice(0, 12)}…` : '–');
