import { type Status, ZAlertRule } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { type CycleInputs, runCycle } from '../../../src/alerts/cycle.js';
import type { AlertConfig } from '../../../src/alerts/engine-types.js';
import type { AlertRecord } from '../../../src/domain/alerts/index.js';
import { EntityView } from '../../../src/readmodel/view.js';

const M = 60_000;
const NOW = Date.UTC(2026, 11, 1, 12);

const config: AlertConfig = {
  rules: [
    ZAlertRule.parse({
      id: 1,
      name: 'failed',
      tenantName: 'Shop',
      kind: 'status',
      status: { to: 'Failed', forMinutes: 0 },
    }),
    ZAlertRule.parse({ id: 2, name: 'silent', tenantName: 'Shop', kind: 'stale', stale: { forMinutes: 60 } }),
  ],
  channels: new Map(),
  silences: [],
};

/** A view of Shop's entities 1..n with the given statuses, observed `ageMs` ago each. */
function inputs(statuses: Record<number, Status>, ageMs: Record<number, number> = {}): CycleInputs {
  const view = new EntityView();
  for (const [id, status] of Object.entries(statuses))
    view.apply({
      id: Number(id),
      tenantName: 'Shop',
      teamName: 'orders',
      entityType: 'table',
      entityName: `t${id}`,
      slaTarget: 99,
      currentSla: status === 'Failed' ? 80 : 99.5,
      status,
      statusSince: NOW - 10 * M,
      observedAt: NOW - (ageMs[Number(id)] ?? 0),
      updatedAt: NOW,
      version: 1,
    });
  return {
    view,
    book: { get: () => undefined },
    noDataPolicyOf: () => 'exclude',
    windows: [],
    staleAfterMs: 30 * M,
    ingestUnavailableSince: null,
    ingestBackAt: null,
    graceMs: 0,
  };
}

const told = (r: { toRecord: { change: { fingerprint: string; state: string; entity: { id: number } | null } }[] }) =>
  r.toRecord.map((c) => `${c.change.entity?.id} ${c.change.state}`).sort();

describe('an incremental evaluation cycle (only the changed entities)', () => {
  it('decides for the changed entities what a full cycle decides, and leaves every other record as it was', async () => {
    const start = await runCycle(config, new Map(), inputs({ 1: 'Failed', 2: 'Failed', 3: 'Passed' }), NOW);
    expect(told(start)).toEqual(['1 firing', '2 firing']);
    // Entity 2 recovers, and entity 3 has been silent for two hours: a full cycle resolves 2 and fires 3's stale rule.
    const later = inputs({ 1: 'Failed', 2: 'Passed', 3: 'Passed' }, { 3: 120 * M });
    const full = await runCycle(config, new Map(start.next), later, NOW + M);
    expect(told(full)).toEqual(['2 resolved', '3 firing']);
    // Told only of entity 2: it resolves; 3's silence waits for the next full cycle; 1 still fires.
    const only2 = await runCycle(config, new Map(start.next), later, NOW + M, new Set([2]));
    expect(told(only2)).toEqual(['2 resolved']);
    expect([...only2.next.values()].filter((r) => r.state === 'firing').map((r) => r.entity?.id)).toEqual([1]);
    // Told of an entity that did not change: nothing; every record is the one it was.
    const only1 = await runCycle(config, new Map(start.next), later, NOW + M, new Set([1]));
    expect(told(only1)).toEqual([]);
    expect([...only1.next]).toEqual([...start.next]);
    // Told of every entity: exactly the full cycle's decisions and records.
    const all = await runCycle(config, new Map(start.next), later, NOW + M, new Set([1, 2, 3]));
    expect(told(all)).toEqual(told(full));
    expect(new Map(all.next)).toEqual(new Map(full.next));
  });

  it('resolves the alerts of an entity no longer in the view, as a full cycle would', async () => {
    const start = await runCycle(config, new Map(), inputs({ 1: 'Failed', 2: 'Failed' }), NOW);
    const gone = inputs({ 1: 'Failed' });
    const records: Map<string, AlertRecord> = start.next;
    const only2 = await runCycle(config, records, gone, NOW + M, new Set([2]));
    expect(told(only2)).toEqual(['2 resolved']);
  });

  it('finds, through its index by entity, the alerts earlier incremental cycles added to the same records', async () => {
    // One records map kept across cycles, as the evaluator keeps it: 2 fires and resolves incrementally.
    const records = (await runCycle(config, new Map(), inputs({ 1: 'Failed', 2: 'Passed' }), NOW)).next;
    const fired = await runCycle(config, records, inputs({ 1: 'Failed', 2: 'Failed' }), NOW + M, new Set([2]));
    expect(told(fired)).toEqual(['2 firing']);
    expect(fired.next).toBe(records);
    const resolved = await runCycle(config, records, inputs({ 1: 'Failed', 2: 'Passed' }), NOW + 2 * M, new Set([2]));
    expect(told(resolved)).toEqual(['2 resolved']);
    expect([...records.values()].filter((r) => r.state === 'firing').map((r) => r.entity?.id)).toEqual([1]);
  });

  it('a full cycle over more alerts than one slice decides each of them exactly once', async () => {
    const many: Record<number, Status> = {};
    for (let id = 1; id <= 20_000; id++) many[id] = 'Failed';
    const first = await runCycle(config, new Map(), inputs(many), NOW);
    expect(first.toRecord.length).toBe(20_000);
    expect(new Set(first.toRecord.map((c) => c.change.fingerprint)).size).toBe(20_000);
    for (let id = 1; id <= 20_000; id += 2) many[id] = 'Passed';
    const second = await runCycle(config, first.next, inputs(many), NOW + M);
    expect(told(second).filter((t) => t.endsWith('resolved'))).toHaveLength(10_000);
    expect(second.toRecord).toHaveLength(10_000);
  });
});
