import type { IncrementalUpdate } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../../src/domain/entity.js';
import { type DeclaredTarget, type DeclaredTargets, declaredTargetFor } from '../../../src/ingest/file-targets.js';
import { plan, type StoredState } from '../../../src/ingest/plan.js';
import { state, T0 } from '../fixtures.js';

const update = (over: Partial<IncrementalUpdate> = {}): IncrementalUpdate => ({
  tenantName: 'Data Engineering',
  teamName: 'PGM',
  entityType: 'table',
  entityName: 'table_7',
  currentSla: 96,
  status: 'Passed',
  ...over,
});

const declared = (over: Partial<DeclaredTarget>): DeclaredTarget => ({
  tenantName: 'Data Engineering',
  teamName: null,
  entityType: null,
  entityName: null,
  entityId: null,
  slaTarget: 90,
  ...over,
});
const targets = (...list: DeclaredTarget[]): DeclaredTargets => new Map([['Data Engineering', list]]);

const planWith = (u: IncrementalUpdate, t: DeclaredTargets | undefined, stored = new Map<string, StoredState>()) =>
  plan([{ update: u, source: 'poller' }], stored, new Set(), 41, T0, t);

describe('targets declared in the rules file', () => {
  it("win over the poller's slaTarget, and the item says so", () => {
    const [item] = planWith(update({ slaTarget: 95 }), targets(declared({ teamName: 'PGM', slaTarget: 99.5 }))).items;
    expect(item?.change?.slaTarget).toBe(99.5);
    expect(item?.entityAfter.slaTarget).toBe(99.5);
    expect(item?.targetFrom).toBe('file');
  });

  it("leave the poller's target alone where none matches (another team, another tenant)", () => {
    const [item] = planWith(update({ slaTarget: 95 }), targets(declared({ teamName: 'Other', slaTarget: 99 }))).items;
    expect(item?.change?.slaTarget).toBe(95);
    expect(item?.targetFrom).toBeNull();
    expect(planWith(update({ slaTarget: 95 }), undefined).items[0]?.targetFrom).toBeNull();
  });

  it('the most specific declaration wins: id > name > type > team > tenant', () => {
    const all = targets(
      declared({ slaTarget: 90 }),
      declared({ teamName: 'PGM', slaTarget: 91 }),
      declared({ entityType: 'table', slaTarget: 92 }),
      declared({ entityName: 'table_7', slaTarget: 93 }),
      declared({ entityId: 7, slaTarget: 94 }),
    );
    const e = update();
    expect(declaredTargetFor(all, e, 7)).toBe(94);
    expect(declaredTargetFor(all, e, undefined)).toBe(93);
    expect(declaredTargetFor(all, { ...e, entityName: 'other' }, undefined)).toBe(92);
    expect(declaredTargetFor(all, { ...e, entityName: 'other', entityType: 'job' }, undefined)).toBe(91);
    expect(declaredTargetFor(all, { ...e, entityName: 'o', entityType: 'job', teamName: 'X' }, undefined)).toBe(90);
  });

  it('an entity id declaration matches the stored entity only', () => {
    const stored = new Map([[identityKey(update()), { ...state(7, { version: 40 }), details: null }]]);
    const t = targets(declared({ entityId: 7, slaTarget: 97 }));
    expect(
      planWith(update({ observedAt: new Date(T0 + 1).toISOString() }), t, stored).items[0]?.change?.slaTarget,
    ).toBe(97);
    expect(planWith(update(), t).items[0]?.targetFrom).toBeNull();
  });
});
