import type { IncrementalUpdate } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../../src/domain/entity.js';
import { DEFAULT_SLA_TARGET, observationKey, plan, type StoredState } from '../../../src/ingest/plan.js';
import { state, T0 } from '../fixtures.js';

const NOW = T0 + 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

const update = (over: Partial<IncrementalUpdate> = {}): IncrementalUpdate => ({
  tenantName: 'Data Engineering',
  teamName: 'PGM',
  entityType: 'table',
  entityName: 'table_7',
  currentSla: 96,
  status: 'Passed',
  ...over,
});
const KEY = identityKey(update());

/** The stored entity table_7 (id 7, version 40), observed at T0, Passed since T0 - 60 s. */
const stored = (over: Partial<StoredState> = {}): Map<string, StoredState> =>
  new Map([[KEY, { ...state(7, { version: 40 }), details: { owner: 'ana' }, ...over }]]);

const planOf = (updates: IncrementalUpdate[], s = new Map<string, StoredState>(), seen = new Set<string>()) =>
  plan(
    updates.map((u) => ({ update: u, source: 'poller' })),
    s,
    seen,
    41,
    NOW,
  );

describe('plan', () => {
  it('creates an unknown entity: applied, default target, status since its observation', () => {
    const p = planOf([update({ observedAt: iso(T0 + 1000), details: { run: 1 } })]);
    const [item] = p.items;
    expect(item?.outcome).toBe('applied');
    expect(item?.change).toMatchObject({
      id: 41,
      previousSla: null,
      previousStatus: null,
      currentSla: 96,
      status: 'Passed',
      slaTarget: DEFAULT_SLA_TARGET,
      statusSince: T0 + 1000,
      observedAt: T0 + 1000,
      receivedAt: NOW,
      applied: true,
      source: 'poller',
      details: { run: 1 },
    });
    // id 0 until the database assigns one; the version is the change that set it.
    expect(item?.entityAfter).toMatchObject({
      id: 0,
      version: 41,
      slaTarget: 95,
      updatedAt: NOW,
      observedAt: T0 + 1000,
    });
    expect([...p.touched.keys()]).toEqual([KEY]);
    expect(p.changes).toHaveLength(1);
  });

  it('takes the server clock as the observation when the poller sends none', () => {
    const p = planOf([update()], stored());
    expect(p.items[0]?.outcome).toBe('applied');
    expect(p.items[0]?.entityAfter.observedAt).toBe(NOW);
  });

  it('keeps status-since while the status holds and moves it when the status changes', () => {
    const same = planOf([update({ observedAt: iso(T0 + 5000), status: 'Passed' })], stored());
    expect(same.items[0]?.entityAfter).toMatchObject({ statusSince: T0 - 60_000, id: 7, version: 41 });
    expect(same.items[0]?.change).toMatchObject({
      previousSla: 97,
      previousStatus: 'Passed',
      statusSince: T0 - 60_000,
    });

    const moved = planOf([update({ observedAt: iso(T0 + 5000), status: 'Failed', currentSla: 80 })], stored());
    expect(moved.items[0]?.entityAfter).toMatchObject({ status: 'Failed', statusSince: T0 + 5000 });
    expect(moved.items[0]?.change?.statusSince).toBe(T0 + 5000);
  });

  it('keeps the stored target and details unless the update brings its own', () => {
    const kept = planOf([update({ observedAt: iso(T0 + 1) })], stored({ slaTarget: 99.9 }));
    expect(kept.items[0]?.entityAfter).toMatchObject({ slaTarget: 99.9, details: { owner: 'ana' } });
    const given = planOf([update({ observedAt: iso(T0 + 1), slaTarget: 90, details: { owner: 'bo' } })], stored());
    expect(given.items[0]?.entityAfter).toMatchObject({ slaTarget: 90, details: { owner: 'bo' } });
  });

  it('records an older observation as stale: in history, not in the current state', () => {
    const before = stored();
    const p = planOf([update({ observedAt: iso(T0 - 1), status: 'Failed', currentSla: 10 })], before);
    const [item] = p.items;
    expect(item?.outcome).toBe('stale');
    expect(item?.change).toMatchObject({
      id: 41,
      applied: false,
      previousSla: 97,
      previousStatus: 'Passed',
      currentSla: 10,
      status: 'Failed',
      statusSince: T0 - 60_000,
    });
    expect(item?.entityAfter).toBe(before.get(KEY));
    expect(p.touched.size).toBe(0);
    expect(before.get(KEY)?.currentSla).toBe(97);
  });

  it('applies an observation at the same instant as the stored one (a correction)', () => {
    const p = planOf([update({ observedAt: iso(T0), currentSla: 50 })], stored());
    expect(p.items[0]?.outcome).toBe('applied');
    expect(p.items[0]?.entityAfter.currentSla).toBe(50);
  });

  it('answers a replay of a logged observation as duplicate without a change or an id', () => {
    const seen = new Set([observationKey(KEY, T0 + 9, 96, 'Passed')]);
    const p = planOf(
      [update({ observedAt: iso(T0 + 9) }), update({ observedAt: iso(T0 + 10) })],
      stored({ observedAt: T0 + 9 }),
      seen,
    );
    expect(p.items.map((i) => i.outcome)).toEqual(['duplicate', 'applied']);
    expect(p.items[0]?.change).toBeNull();
    expect(p.items[0]?.entityAfter.version).toBe(40);
    // The duplicate used no id: the next change takes the first free one.
    expect(p.changes.map((c) => c.id)).toEqual([41]);
  });

  it('recognises a retry inside one batch, but never one without observedAt', () => {
    const withTime = planOf([update({ observedAt: iso(T0 + 1) }), update({ observedAt: iso(T0 + 1) })]);
    expect(withTime.items.map((i) => i.outcome)).toEqual(['applied', 'duplicate']);
    const withoutTime = planOf([update(), update()]);
    expect(withoutTime.items.map((i) => i.outcome)).toEqual(['applied', 'applied']);
    expect(withoutTime.changes.map((c) => c.id)).toEqual([41, 42]);
  });

  it('plans several updates to one entity in submission order, each seeing the one before', () => {
    const p = planOf(
      [
        update({ observedAt: iso(T0 + 100), currentSla: 80, status: 'Failed' }),
        update({ observedAt: iso(T0 + 50), currentSla: 99 }),
        update({ observedAt: iso(T0 + 200), currentSla: 70, status: 'Failed' }),
        update({ observedAt: iso(T0 + 300), currentSla: 98, status: 'Passed' }),
      ],
      stored(),
    );
    expect(p.items.map((i) => i.outcome)).toEqual(['applied', 'stale', 'applied', 'applied']);
    expect(p.changes.map((c) => [c.id, c.previousSla, c.previousStatus, c.currentSla])).toEqual([
      [41, 97, 'Passed', 80],
      [42, 80, 'Failed', 99],
      [43, 80, 'Failed', 70],
      [44, 70, 'Failed', 98],
    ]);
    // Failed since the first update; the third keeps that; the fourth moves it again.
    expect(p.changes.map((c) => c.statusSince)).toEqual([T0 + 100, T0 + 100, T0 + 100, T0 + 300]);
    expect(p.touched.get(KEY)).toMatchObject({ id: 7, version: 44, currentSla: 98, statusSince: T0 + 300 });
    expect(p.touched.size).toBe(1);
  });

  it('keys entities by all four names', () => {
    const p = planOf([update(), update({ teamName: 'Other' }), update({ entityType: 'job' })]);
    expect(p.touched.size).toBe(3);
    expect(p.changes.every((c) => c.previousSla === null)).toBe(true);
  });
});
