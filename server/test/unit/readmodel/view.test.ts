import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../src/domain/entity.js';
import { type Counters, emptyCounters } from '../../../src/readmodel/rollup.js';
import { EntityView } from '../../../src/readmodel/view.js';
import { state } from '../fixtures.js';

const counts = (
  total: number,
  byStatus: Partial<Counters['byStatus']>,
  compliant: number,
  slaSum: number,
): Counters => ({
  ...emptyCounters(),
  total,
  byStatus: { ...emptyCounters().byStatus, ...byStatus },
  compliant,
  slaSum,
});

/** Two tenants: Data Engineering (PGM: 1, 2; Ops: 3) and Analytics (BI: 4). */
const population = (): EntityState[] => [
  state(1, { currentSla: 99, slaTarget: 95, status: 'Passed' }),
  state(2, { currentSla: 90, slaTarget: 95, status: 'Failed' }),
  state(3, { teamName: 'Ops', entityType: 'job', currentSla: 95, slaTarget: 95, status: 'AtRisk' }),
  state(4, { tenantName: 'Analytics', teamName: 'BI', currentSla: 50, slaTarget: 40, status: 'NoData' }),
];

const viewOf = (entities: EntityState[]) => {
  const view = new EntityView();
  for (const e of entities) view.apply(e);
  return view;
};

const team = (view: EntityView, tenant: string, name: string) => view.tenants.get(tenant)?.teams.get(name)?.counters;

describe('EntityView rollups', () => {
  it('counts by status, compliance (at or above target) and SLA sums per team, tenant and overall', () => {
    const view = viewOf(population());
    expect(view.size).toBe(4);
    expect(team(view, 'Data Engineering', 'PGM')).toEqual(counts(2, { Passed: 1, Failed: 1 }, 1, 189));
    expect(team(view, 'Data Engineering', 'Ops')).toEqual(counts(1, { AtRisk: 1 }, 1, 95));
    expect(view.tenants.get('Data Engineering')?.counters).toEqual(
      counts(3, { Passed: 1, Failed: 1, AtRisk: 1 }, 2, 284),
    );
    expect(team(view, 'Analytics', 'BI')).toEqual(counts(1, { NoData: 1 }, 1, 50));
    expect(view.counters).toEqual(counts(4, { Passed: 1, Failed: 1, AtRisk: 1, NoData: 1 }, 3, 334));
    expect(view.entityTypes).toEqual(['job', 'table']);
  });

  it('gives back exactly the state it was given', () => {
    const view = viewOf(population());
    for (const e of population()) expect(view.get(e.id)).toEqual(e);
    expect([...view.entities()]).toEqual(population());
    expect(view.get(99)).toBeUndefined();
    expect(view.slotOf(99)).toBe(-1);
  });

  it('moves a re-applied entity between statuses and compliance in every rollup that holds it', () => {
    const view = viewOf(population());
    expect(view.apply(state(1, { version: 5, currentSla: 80, slaTarget: 95, status: 'Failed' }))).toBe(true);
    expect(team(view, 'Data Engineering', 'PGM')).toEqual(counts(2, { Failed: 2 }, 0, 170));
    expect(view.tenants.get('Data Engineering')?.counters).toEqual(counts(3, { Failed: 2, AtRisk: 1 }, 1, 265));
    expect(view.counters).toEqual(counts(4, { Failed: 2, AtRisk: 1, NoData: 1 }, 2, 315));
    // Other teams are untouched.
    expect(team(view, 'Data Engineering', 'Ops')).toEqual(counts(1, { AtRisk: 1 }, 1, 95));
    expect(view.size).toBe(4);
  });

  it('ignores a state no newer than the one it holds (same or older version)', () => {
    const view = viewOf(population());
    const revision = view.revision;
    expect(view.apply(state(2, { version: 2, currentSla: 100, status: 'Passed' }))).toBe(false);
    expect(view.apply(state(2, { version: 1, currentSla: 100, status: 'Passed' }))).toBe(false);
    expect(view.get(2)).toMatchObject({ currentSla: 90, status: 'Failed' });
    expect(view.counters).toEqual(counts(4, { Passed: 1, Failed: 1, AtRisk: 1, NoData: 1 }, 3, 334));
    expect(view.revision).toBe(revision);
    expect(view.apply(state(2, { version: 3, currentSla: 100, status: 'Passed' }))).toBe(true);
    expect(view.revision).toBe(revision + 1);
  });

  it('reset empties every rollup and index, and a snapshot loads afresh after it', () => {
    const view = viewOf(population());
    const revision = view.revision;
    view.reset();
    expect(view.size).toBe(0);
    expect(view.counters).toEqual(emptyCounters());
    expect(view.tenants.size).toBe(0);
    expect(view.entityTypes).toEqual([]);
    expect(view.get(1)).toBeUndefined();
    expect(view.revision).toBeGreaterThan(revision);
    // An older version than before the reset is accepted: the snapshot replaces everything.
    expect(view.apply(state(1, { version: 0, teamName: 'Ops', currentSla: 10, status: 'Failed' }))).toBe(true);
    expect(view.get(1)).toMatchObject({ teamName: 'Ops', currentSla: 10, version: 0 });
    expect(team(view, 'Data Engineering', 'Ops')).toEqual(counts(1, { Failed: 1 }, 0, 10));
    expect(team(view, 'Data Engineering', 'PGM')).toBeUndefined();
  });

  it('grows past its initial column capacity without losing entities', () => {
    const view = new EntityView();
    for (let id = 1; id <= 3_000; id++) view.apply(state(id, { currentSla: id % 100 }));
    expect(view.size).toBe(3_000);
    expect(view.get(1)?.currentSla).toBe(1);
    expect(view.get(2_999)?.currentSla).toBe(99);
    expect(view.counters.total).toBe(3_000);
  });
});
