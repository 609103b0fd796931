import { describe, expect, it } from 'vitest';
import { applyToRollup, patchSummary, rollupToken } from '../../src/lib/rollup';
import { change, entity, rollup, summaryOf } from '../support/fixtures';

describe('rollup deltas', () => {
  it('moves an entity between statuses, compliance and mean', () => {
    const r = rollup({ total: 2, byStatus: { Passed: 2, Failed: 0, AtRisk: 0, NoData: 0 }, compliant: 2, meanSla: 97 });
    const next = applyToRollup(r, { status: 'Passed', sla: 96, target: 95 }, { status: 'Failed', sla: 80, target: 95 });
    expect(next).toMatchObject({ total: 2, compliant: 1, byStatus: { Passed: 1, Failed: 1 } });
    expect(next.meanSla).toBeCloseTo(89);
  });

  it('counts a new entity into an empty group', () => {
    const next = applyToRollup(rollup(), null, { status: 'Passed', sla: 95.5, target: 95 });
    expect(next).toMatchObject({ total: 1, compliant: 1, meanSla: 95.5, byStatus: { Passed: 1 } });
  });
});

describe('patchSummary', () => {
  const a1 = entity({ id: 1, tenantName: 'A', teamName: 'x', currentSla: 99, status: 'Passed' });
  const a2 = entity({ id: 2, tenantName: 'A', teamName: 'x', currentSla: 98, status: 'Passed' });
  const b1 = entity({ id: 3, tenantName: 'B', teamName: 'y', currentSla: 90, status: 'AtRisk' });
  const entities = [a1, a2, b1];

  it('gives the same totals as recomputing from the changed entities', () => {
    const c = change({
      id: 20,
      entityId: 1,
      tenantName: 'A',
      teamName: 'x',
      previousSla: 99,
      previousStatus: 'Passed',
      currentSla: 50,
      status: 'Failed',
    });
    const { summary, unknownGroup } = patchSummary(summaryOf(entities), [c]);
    const expected = summaryOf([{ ...a1, currentSla: 50, status: 'Failed' }, a2, b1]);
    expect(unknownGroup).toBe(false);
    // Counts are exact; the mean starts from the server's rounded one, so it may be 0.01 off
    // until the next refetch.
    expect({ ...summary.overall, meanSla: 0 }).toEqual({ ...expected.overall, meanSla: 0 });
    expect(summary.overall.meanSla).toBeCloseTo(expected.overall.meanSla ?? 0, 1);
    const a = summary.tenants.find((t) => t.tenantName === 'A');
    const ea = expected.tenants.find((t) => t.tenantName === 'A');
    expect(a && { ...a, worst: [], teams: a.teams.map((t) => ({ ...t, worst: [] })) }).toMatchObject({
      total: ea?.total,
      compliant: ea?.compliant,
      byStatus: ea?.byStatus,
    });
    expect(a?.teams[0]?.byStatus).toEqual(ea?.teams[0]?.byStatus);
    // The changed entity shown among the tenant's worst carries its new state.
    expect(a?.worst.find((e) => e.id === 1)).toMatchObject({ currentSla: 50, status: 'Failed', version: 20 });
  });

  it('keeps the order until the server re-sorts, so rows do not jump during a burst', () => {
    const start = summaryOf([b1, a1, a2]);
    const c = change({
      id: 21,
      entityId: 1,
      tenantName: 'A',
      teamName: 'x',
      previousSla: 99,
      previousStatus: 'Passed',
      currentSla: 10,
      status: 'Failed',
    });
    const after = patchSummary(start, [c, { ...c, id: 22, entityId: 2, previousSla: 98 }]).summary;
    expect(after.tenants.map((t) => t.tenantName)).toEqual(['B', 'A']);
    expect(after.tenants[1]?.byStatus.Failed).toBe(2);
  });

  it('leaves untouched tenants identical (so their sections do not re-render)', () => {
    const s = summaryOf(entities);
    const c = change({
      id: 23,
      entityId: 3,
      tenantName: 'B',
      teamName: 'y',
      previousSla: 90,
      previousStatus: 'AtRisk',
      currentSla: 99,
      status: 'Passed',
    });
    const next = patchSummary(s, [c]).summary;
    expect(next.tenants.find((t) => t.tenantName === 'A')).toBe(s.tenants.find((t) => t.tenantName === 'A'));
  });

  it('flags changes for groups it does not know, and ignores history-only changes', () => {
    const s = summaryOf(entities);
    const unknown = patchSummary(s, [change({ tenantName: 'New tenant' })]);
    expect(unknown.unknownGroup).toBe(true);
    expect(unknown.summary).toBe(s);
    expect(patchSummary(s, [change({ applied: false, tenantName: 'A', teamName: 'x' })]).summary).toBe(s);
  });

  it('changes the highlight token only when a displayed number changes', () => {
    const r = rollup({ total: 1, compliant: 1, meanSla: 99 });
    expect(rollupToken(r)).toBe(rollupToken({ ...r }));
    expect(rollupToken(r)).not.toBe(rollupToken({ ...r, meanSla: 98 }));
    expect(rollupToken(r)).toBe(rollupToken({ ...r, meanSla: 99.001 }));
  });
});
