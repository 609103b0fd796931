import type { IncrementalUpdate } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../../src/domain/entity.js';
import { observationKey, plan, type StoredState } from '../../../src/ingest/plan.js';

const FUTURE = Date.parse('9999-12-31T23:59:59Z');
const NOW = Date.parse('2026-03-01T12:00:00Z');

const update = (extra: Partial<IncrementalUpdate> = {}): IncrementalUpdate => ({
  entityName: 'frozen',
  entityType: 'table',
  teamName: 'PGM',
  tenantName: 'Data Engineering',
  currentSla: 97,
  status: 'Passed',
  ...extra,
});

/** An entity whose stored observation lies in the far future (what a result dated 9999 left behind). */
const frozen = (): StoredState => ({
  id: 7,
  tenantName: 'Data Engineering',
  teamName: 'PGM',
  entityType: 'table',
  entityName: 'frozen',
  slaTarget: 95,
  currentSla: 50,
  status: 'Passed',
  statusSince: FUTURE,
  observedAt: FUTURE,
  updatedAt: NOW - 60_000,
  version: 41,
  details: null,
});

const run = (u: IncrementalUpdate, seen = new Set<string>()) => {
  const stored = frozen();
  return plan([{ update: u, source: 'token#1' }], new Map([[identityKey(stored), stored]]), seen, 42, NOW);
};

describe('plan: a forced update (replace) of a frozen entity', () => {
  it('without replace, a newer-by-the-clock result is stale against a stored future', () => {
    expect(run(update()).items[0]?.outcome).toBe('stale');
  });

  it('with replace, it becomes the current state, status-since not after the observation', () => {
    const p = run(update({ replace: true }));
    expect(p.items[0]?.outcome).toBe('applied');
    expect(p.items[0]?.entityAfter).toMatchObject({ currentSla: 97, observedAt: NOW, statusSince: NOW, version: 42 });
    expect(p.changes[0]).toMatchObject({ applied: true, previousSla: 50, observedAt: NOW });
  });

  it('with replace, an observation already in the log is written again, not taken for a duplicate', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const seen = new Set([observationKey(identityKey(frozen()), Date.parse(at), 97, 'Passed')]);
    expect(run(update({ observedAt: at }), seen).items[0]?.outcome).toBe('duplicate');
    const forced = run(update({ observedAt: at, replace: true }), seen);
    expect(forced.items[0]?.outcome).toBe('applied');
    expect(forced.items[0]?.entityAfter.observedAt).toBe(Date.parse(at));
  });
});
