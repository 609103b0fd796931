import { describe, expect, it } from 'vitest';
import { BudgetBook } from '../../../src/budget/book.js';
import type { LogChange } from '../../../src/domain/change.js';
import { EntityView } from '../../../src/readmodel/view.js';
import { withBookTimelines } from '../../../src/reports/book-sources.js';
import { buildReport } from '../../../src/reports/build.js';
import { DATASET, NOW, PERIOD, STALE_AFTER_MS, TENANT, WINDOWS } from './dataset.js';
import { memorySources } from './sources.js';

/** The golden dataset as a pod holds it: the view's entities and the book fed change by change. */
function podState() {
  const view = new EntityView();
  const book = new BudgetBook(STALE_AFTER_MS);
  let id = 0;
  for (const s of DATASET)
    for (const [iso, status, currentSla, slaTarget] of s.results) {
      const at = Date.parse(iso);
      const change: LogChange = {
        id: ++id,
        entityId: s.entity.id,
        tenantName: s.entity.tenantName,
        teamName: s.entity.teamName,
        entityType: s.entity.entityType,
        entityName: s.entity.entityName,
        previousSla: null,
        previousStatus: null,
        currentSla,
        status,
        slaTarget,
        statusSince: at,
        observedAt: at,
        receivedAt: at,
        applied: true,
        source: 'test',
      };
      expect(book.apply([change])).toBeNull();
      view.apply({ ...change, id: s.entity.id, updatedAt: at, version: change.id });
    }
  return { view, book };
}

describe('provisional reports from the budget book', () => {
  const base = memorySources(DATASET, { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS });
  const { view, book } = podState();

  it('equal the report built from the change log when the book holds the period', async () => {
    const fromBook = withBookTimelines(base, view, { loaded: true, heldFrom: 0, book });
    for (const scope of [{}, { teamName: 'Core' }, { entityId: 3 }]) {
      const q = { tenantName: TENANT, period: PERIOD, ...scope };
      const expected = await buildReport(base, q, NOW);
      const got = await buildReport(fromBook, q, NOW);
      expect({ ...got, generatedAt: '' }, JSON.stringify(scope)).toEqual({ ...expected, generatedAt: '' });
      expect(got.rows.length).toBeGreaterThan(0);
    }
  });

  it('list no entity for an unknown tenant, team or entity, as the change log does', async () => {
    const fromBook = withBookTimelines(base, view, { loaded: true, heldFrom: 0, book });
    for (const scope of [
      { tenantName: 'Nobody' },
      { tenantName: TENANT, teamName: 'Nobody' },
      { tenantName: TENANT, entityId: 99 },
    ])
      expect(await fromBook.timelines(scope, [0, NOW])).toEqual([]);
  });

  it('read the change log while the book is loading or when the period starts before what it holds', async () => {
    const calls: string[] = [];
    const counting = {
      ...base,
      timelines: (...a: Parameters<typeof base.timelines>) => {
        calls.push('log');
        return base.timelines(...a);
      },
    };
    const from = Date.parse('2026-11-01T00:00:00Z');
    await withBookTimelines(counting, view, { loaded: false, heldFrom: 0, book }).timelines({ tenantName: TENANT }, [
      from,
      NOW,
    ]);
    await withBookTimelines(counting, view, { loaded: true, heldFrom: from + 1, book }).timelines(
      { tenantName: TENANT },
      [from, NOW],
    );
    expect(calls).toEqual(['log', 'log']);
    await withBookTimelines(counting, view, { loaded: true, heldFrom: from, book }).timelines({ tenantName: TENANT }, [
      from,
      NOW,
    ]);
    expect(calls).toHaveLength(2);
  });
});
