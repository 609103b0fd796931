import { describe, expect, it } from 'vitest';
import { latestByEntity, patchEntity, patchHistory, patchList } from '../../src/lib/entity-patch';
import { change, entity } from '../support/fixtures';

describe('entity patches', () => {
  it('applies a newer change and clears stale', () => {
    const e = entity({ stale: true });
    const next = patchEntity(e, change());
    expect(next).toMatchObject({
      currentSla: 80,
      status: 'Failed',
      version: 11,
      stale: false,
      statusSince: '2025-01-02T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:01.000Z',
    });
  });

  it('never moves an entity backwards or applies history-only changes', () => {
    const e = entity({ version: 50 });
    expect(patchEntity(e, change({ id: 40 }))).toBe(e);
    const fresh = entity();
    expect(patchEntity(fresh, change({ applied: false }))).toBe(fresh);
  });

  it('keeps statusSince when the status stays the same', () => {
    const next = patchEntity(entity(), change({ status: 'Passed', currentSla: 97 }));
    expect(next.statusSince).toBe('2025-01-01T00:00:00.000Z');
  });

  it('keeps only the newest applied change per entity in a batch', () => {
    const m = latestByEntity([
      change({ id: 12 }),
      change({ id: 14, currentSla: 70 }),
      change({ id: 13 }),
      change({ id: 15, applied: false }),
    ]);
    expect(m.get(1)?.id).toBe(14);
  });

  it('patches only the rows of a page that changed and keeps identity otherwise', () => {
    const list = { total: 2, items: [entity({ id: 1 }), entity({ id: 2 })] };
    const same = patchList(list, latestByEntity([change({ entityId: 3 })]));
    expect(same).toBe(list);
    const next = patchList(list, latestByEntity([change({ entityId: 2 })]));
    expect(next.items[0]).toBe(list.items[0]);
    expect(next.items[1]).toMatchObject({ id: 2, status: 'Failed' });
  });

  it('appends points and transitions to an open history in time order', () => {
    const h = {
      entity: entity(),
      points: [{ at: '2025-01-01T00:00:00.000Z', sla: 96, status: 'Passed' as const }],
      transitions: [{ at: '2025-01-01T00:00:00.000Z', from: null, to: 'Passed' as const, changeId: 10 }],
      lastReceivedAt: '2025-01-01T00:00:01.000Z',
    };
    const late = change({
      id: 12,
      applied: false,
      observedAt: '2024-12-31T12:00:00.000Z',
      currentSla: 90,
      status: 'AtRisk',
    });
    const next = patchHistory(h, [change(), late, change({ entityId: 9 })]);
    expect(next.points.map((p) => p.sla)).toEqual([90, 96, 80]);
    expect(next.transitions.at(-1)).toEqual({
      at: '2025-01-02T00:00:00.000Z',
      from: 'Passed',
      to: 'Failed',
      changeId: 11,
    });
    expect(next.transitions).toHaveLength(2);
    expect(next.entity.version).toBe(11);
    expect(patchHistory(h, [change({ entityId: 9 })])).toBe(h);
  });
});
