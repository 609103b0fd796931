import type { RecentChanges } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { matchesRecent, prependRecent } from '../../src/lib/recent';
import { change } from '../support/fixtures';

const pages = (ids: number[][], cursors: (number | null)[]) => ({
  pages: ids.map((p, i): RecentChanges => ({ changes: p.map((id) => change({ id })), nextCursor: cursors[i] ?? null })),
  pageParams: ids.map((_, i) => (i === 0 ? null : cursors[i - 1])),
});

describe('recent changes', () => {
  it('prepends new changes newest first and skips those already shown (replays)', () => {
    const data = pages([[5, 4]], [3]);
    const next = prependRecent(data, [change({ id: 4 }), change({ id: 6 }), change({ id: 7 })], {});
    expect(next.pages[0]?.changes.map((c) => c.id)).toEqual([7, 6, 5, 4]);
    expect(next.pages[0]?.nextCursor).toBe(3);
    expect(prependRecent(next, [change({ id: 7 })], {})).toBe(next);
  });

  it('keeps only changes that match the view filter', () => {
    const f = { tenantName: 'Data Engineering', status: 'Failed' as const };
    expect(matchesRecent(change(), f)).toBe(true);
    expect(matchesRecent(change({ tenantName: 'Other' }), f)).toBe(false);
    expect(matchesRecent(change({ status: 'Passed' }), f)).toBe(false);
    const next = prependRecent(pages([[1]], [null]), [change({ id: 2, tenantName: 'Other' })], f);
    expect(next.pages[0]?.changes.map((c) => c.id)).toEqual([1]);
  });

  it('caps the first page and moves its cursor so "load older" has no gap', () => {
    const data = pages([[3, 2], [1]], [2, null]);
    const next = prependRecent(data, [change({ id: 4 }), change({ id: 5 })], {}, 3);
    expect(next.pages).toHaveLength(1);
    expect(next.pages[0]?.changes.map((c) => c.id)).toEqual([5, 4, 3]);
    // Older than 3 is exactly what was cut off.
    expect(next.pages[0]?.nextCursor).toBe(3);
    expect(next.pageParams).toHaveLength(1);
  });
});
