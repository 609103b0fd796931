import { describe, expect, it } from 'vitest';
import { entityOf, toChangeRun } from '../../../src/domain/change.js';
import { staleBefore, toWireChange, toWireEntity } from '../../../src/domain/wire.js';
import { change, state, T0 } from '../fixtures.js';

describe('wire mappers', () => {
  it('sends an entity with ISO times and stale set only when observed before the bound', () => {
    const e = state(3, { observedAt: T0 });
    expect(toWireEntity(e, T0)).toEqual({
      id: 3,
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      entityType: 'table',
      entityName: 'table_3',
      slaTarget: 95,
      currentSla: 97,
      status: 'Passed',
      statusSince: new Date(T0 - 60_000).toISOString(),
      observedAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0 + 5).toISOString(),
      version: 3,
      stale: false,
    });
    expect(toWireEntity(e, T0 + 1).stale).toBe(true);
  });

  it('puts the stale bound the configured minutes before now', () => {
    expect(staleBefore(30, T0)).toBe(T0 - 30 * 60_000);
    expect(toWireEntity(state(1, { observedAt: T0 - 30 * 60_000 }), staleBefore(30, T0)).stale).toBe(false);
    expect(toWireEntity(state(1, { observedAt: T0 - 30 * 60_000 - 1 }), staleBefore(30, T0)).stale).toBe(true);
  });

  it('sends a change with ISO times and without status-since or extra fields', () => {
    const c = { ...change(9, { entityId: 4 }), details: { secret: 1 } };
    const wire = toWireChange(c);
    expect(wire).toMatchObject({ id: 9, entityId: 4, observedAt: new Date(T0 + 9).toISOString() });
    expect(wire.receivedAt).toBe(new Date(T0 + 12).toISOString());
    expect(wire).not.toHaveProperty('statusSince');
    expect(wire).not.toHaveProperty('details');
  });
});

describe('change mappers', () => {
  it('turns an applied change into the entity state it set: version = change id, updatedAt = received', () => {
    expect(entityOf(change(12, { entityId: 4, currentSla: 88, status: 'AtRisk', statusSince: T0 }))).toEqual({
      id: 4,
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      entityType: 'table',
      entityName: 'table_4',
      slaTarget: 95,
      currentSla: 88,
      status: 'AtRisk',
      statusSince: T0,
      observedAt: T0 + 12,
      updatedAt: T0 + 15,
      version: 12,
    });
  });

  it('keeps a run’s id range but only the states of applied changes', () => {
    const r = {
      fromId: 5,
      toId: 7,
      changes: [change(5), change(6, { applied: false }), change(7, { entityId: 5 })],
    };
    const cr = toChangeRun(r);
    expect([cr.fromId, cr.toId]).toEqual([5, 7]);
    expect(cr.entities.map((e) => [e.id, e.version])).toEqual([
      [5, 5],
      [5, 7],
    ]);
    expect(toChangeRun({ fromId: 8, toId: 8, changes: [change(8, { applied: false })] })).toEqual({
      fromId: 8,
      toId: 8,
      entities: [],
    });
  });
});
