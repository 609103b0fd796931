import type { EntityListInput } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../src/domain/entity.js';
import { facets, listEntities, summarize } from '../../../src/readmodel/queries.js';
import { EntityView } from '../../../src/readmodel/view.js';
import { state, T0 } from '../fixtures.js';

const STALE_BEFORE = T0;
const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;

/**
 * 60 entities over two tenants and three teams with few distinct SLAs (many ties); every
 * third one last observed before the stale bound.
 */
function population(): EntityState[] {
  return Array.from({ length: 60 }, (_, i) => {
    const id = i + 1;
    return state(id, {
      tenantName: id % 4 === 0 ? 'Analytics' : 'Data Engineering',
      teamName: id % 4 === 0 ? 'BI' : id % 2 ? 'PGM' : 'Ops',
      entityType: id % 5 === 0 ? 'job' : 'table',
      entityName: `${id % 2 ? 'Orders' : 'users'}_${String(id).padStart(2, '0')}`,
      currentSla: 90 + (id % 3) * 5,
      slaTarget: 95,
      status: STATUSES[id % 4],
      observedAt: id % 3 === 0 ? T0 - 1 : T0 + id,
    });
  });
}

function viewOf(entities = population()) {
  const view = new EntityView();
  // Applied in a scrambled order: results must not depend on arrival order.
  for (const e of [...entities].sort((a, b) => ((a.id * 37) % 61) - ((b.id * 37) % 61))) view.apply(e);
  return view;
}

const list = (view: EntityView, input: EntityListInput) => listEntities(view, input, STALE_BEFORE);
const ids = (view: EntityView, input: EntityListInput) => list(view, input).items.map((e) => e.id);

describe('listEntities', () => {
  it('orders worst first by default (largest shortfall), ties by id', () => {
    const view = viewOf();
    const page = list(view, { limit: 500 });
    expect(page.total).toBe(60);
    const gaps = page.items.map((e) => e.slaTarget - e.currentSla);
    expect(gaps).toEqual([...gaps].sort((a, b) => b - a));
    for (let i = 1; i < page.items.length; i++) {
      const [a, b] = [page.items[i - 1], page.items[i]];
      if (a && b && a.currentSla === b.currentSla) expect(a.id).toBeLessThan(b.id);
    }
    expect(page.items[0]).toMatchObject({ id: 3, currentSla: 90 });
  });

  it('pages with offset without repeating or skipping, for every sort and direction', () => {
    const view = viewOf();
    for (const sort of ['currentSla', 'slaGap', 'entityName', 'status', 'updatedAt', 'observedAt'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const whole = ids(view, { sort, dir, limit: 500 });
        const paged: number[] = [];
        for (let offset = 0; offset < 60; offset += 7) paged.push(...ids(view, { sort, dir, offset, limit: 7 }));
        expect(paged, `${sort} ${dir}`).toEqual(whole);
        expect(new Set(paged).size).toBe(60);
      }
    }
    expect(list(view, { offset: 60, limit: 10 })).toEqual({ total: 60, items: [] });
  });

  it('sorts by name in either direction, compared by code point', () => {
    const view = viewOf();
    const names = list(view, { sort: 'entityName', dir: 'asc', limit: 500 }).items.map((e) => e.entityName);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('Orders_01');
    const desc = list(view, { sort: 'entityName', dir: 'desc', limit: 500 }).items.map((e) => e.entityName);
    expect(desc).toEqual([...names].reverse());
  });

  it('filters by tenant, team, type, status, staleness and a case-insensitive name fragment', () => {
    const view = viewOf();
    const all = population();
    const expectIds = (input: EntityListInput, keep: (e: EntityState) => boolean) => {
      const expected = all.filter(keep).map((e) => e.id);
      const page = list(view, { ...input, sort: 'entityName', dir: 'asc', limit: 500 });
      expect(page.total).toBe(expected.length);
      expect(page.items.map((e) => e.id).sort((a, b) => a - b)).toEqual(expected);
    };
    expectIds({ tenantName: 'Analytics' }, (e) => e.tenantName === 'Analytics');
    expectIds({ tenantName: 'Data Engineering', teamName: 'Ops' }, (e) => e.teamName === 'Ops');
    expectIds({ entityType: 'job', status: 'Failed' }, (e) => e.entityType === 'job' && e.status === 'Failed');
    expectIds({ stale: true }, (e) => e.observedAt < STALE_BEFORE);
    expectIds({ stale: false, teamName: 'PGM' }, (e) => e.observedAt >= STALE_BEFORE && e.teamName === 'PGM');
    expectIds({ q: 'ORDERS_1' }, (e) => e.entityName.toLowerCase().includes('orders_1'));
    expectIds({ tenantName: 'Nobody' }, () => false);
    expect(list(view, { stale: true, limit: 1 }).items[0]?.stale).toBe(true);
  });

  it('counts the whole filtered set in total, not the page', () => {
    const page = list(viewOf(), { teamName: 'PGM', limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(30);
  });
});

describe('summarize and facets', () => {
  it('rolls up per team, tenant and overall, worst first, with stale counts and the worst entities', () => {
    const view = new EntityView();
    for (const e of [
      state(1, { currentSla: 99, status: 'Passed' }),
      state(2, { currentSla: 80, status: 'Failed', observedAt: T0 - 1 }),
      state(3, { teamName: 'Ops', currentSla: 96, status: 'Passed' }),
      state(4, { tenantName: 'Analytics', teamName: 'BI', currentSla: 94.555, status: 'AtRisk' }),
      state(5, { tenantName: 'Analytics', teamName: 'BI', currentSla: 94.555, status: 'AtRisk' }),
    ])
      view.apply(e);
    const s = summarize(view, 1, STALE_BEFORE, 30);
    expect(s.staleAfterMinutes).toBe(30);
    expect(s.overall).toEqual({
      total: 5,
      byStatus: { Passed: 2, Failed: 1, AtRisk: 2, NoData: 0 },
      compliant: 2,
      meanSla: 92.82,
      stale: 1,
    });
    // Analytics complies 0/2, Data Engineering 2/3.
    expect(s.tenants.map((t) => t.tenantName)).toEqual(['Analytics', 'Data Engineering']);
    const de = s.tenants[1];
    expect(de?.teams.map((t) => [t.teamName, t.compliant, t.total, t.stale])).toEqual([
      ['PGM', 1, 2, 1],
      ['Ops', 1, 1, 0],
    ]);
    expect(de?.teams[0]?.worst.map((e) => [e.id, e.stale])).toEqual([[2, true]]);
    expect(de?.worst.map((e) => e.id)).toEqual([2]);
    // Equal shortfall: the lower id is the worst, every time.
    expect(s.tenants[0]?.worst.map((e) => e.id)).toEqual([4]);
    expect(s.tenants[0]?.meanSla).toBe(94.56);
  });

  it('lists tenants and their teams alphabetically', () => {
    expect(facets(viewOf())).toEqual({
      tenants: [
        { tenantName: 'Analytics', teams: ['BI'] },
        { tenantName: 'Data Engineering', teams: ['Ops', 'PGM'] },
      ],
      entityTypes: ['job', 'table'],
    });
  });
});
