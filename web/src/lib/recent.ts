import type { Change, RecentChanges, Status } from '@sla/shared';

export type RecentFilter = { tenantName?: string; teamName?: string; status?: Status };
export type RecentPages = { pages: RecentChanges[]; pageParams: unknown[] };

export function matchesRecent(c: Change, f: RecentFilter): boolean {
  return (
    (!f.tenantName || c.tenantName === f.tenantName) &&
    (!f.teamName || c.teamName === f.teamName) &&
    (!f.status || c.status === f.status)
  );
}

/**
 * Puts live changes on top of a newest-first list. Changes already shown (ids not above
 * the newest one) are skipped, so a replay after reconnect never duplicates a row. The
 * first page is capped; when it overflows, older pages are dropped and its cursor moves
 * to the last kept row, so "load older" still continues without a gap.
 */
export function prependRecent(data: RecentPages, changes: readonly Change[], f: RecentFilter, cap = 500): RecentPages {
  const first = data.pages[0];
  if (!first) return data;
  const newest = first.changes[0]?.id ?? 0;
  const fresh = changes.filter((c) => c.id > newest && matchesRecent(c, f)).sort((a, b) => b.id - a.id);
  if (fresh.length === 0) return data;
  const merged = [...fresh, ...first.changes];
  if (merged.length <= cap) {
    return { ...data, pages: [{ ...first, changes: merged }, ...data.pages.slice(1)] };
  }
  const kept = merged.slice(0, cap);
  const nextCursor = kept.at(-1)?.id ?? null;
  return { pages: [{ changes: kept, nextCursor }], pageParams: data.pageParams.slice(0, 1) };
}
