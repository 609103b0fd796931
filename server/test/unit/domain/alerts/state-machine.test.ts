import type { AlertChange } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { advance } from '../../../../src/domain/alerts/advance.js';
import { fingerprint } from '../../../../src/domain/alerts/fingerprint.js';
import type { AlertRecord, Condition } from '../../../../src/domain/alerts/types.js';

const M = 60_000;
const cond = (entityId: number, heldBack = false): Condition => ({
  ruleName: 'r',
  kind: 'stale',
  tier: null,
  severity: 'ticket',
  tenantName: 'acme',
  teamName: 'data',
  entity: { id: entityId, name: `t${entityId}`, type: 'table' },
  summary: `t${entityId}: no observation for 20 min`,
  heldBack,
});
const fp = (entityId: number) => fingerprint({ id: 1 }, entityId, null);
const holding = (...cs: Condition[]) => new Map(cs.map((c) => [fp(c.entity?.id ?? 0), c]));
const brief = (cs: AlertChange[]) => cs.map((c) => `${c.entity?.name} ${c.state} #${c.sequence} ${c.at}`);

describe('fingerprint', () => {
  it('is a stable SHA-256 hex of rule, subject and tier that differs when any of them does', () => {
    const a = fingerprint({ id: 7 }, 42, 'page-1h');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint({ id: 7 }, 42, 'page-1h')).toBe(a);
    const others = [
      fingerprint({ id: 8 }, 42, 'page-1h'),
      fingerprint({ id: 7 }, 43, 'page-1h'),
      fingerprint({ id: 7 }, 42, 'page-6h'),
      fingerprint({ id: 7 }, 42, null),
      fingerprint({ id: 7 }, { entityId: 42 }, 'page-1h'),
      fingerprint({ id: 7 }, { teamName: 'data' }, 'page-1h'),
    ];
    expect(new Set([a, ...others]).size).toBe(7);
  });
});

describe('advance', () => {
  it('fires when a condition appears, resolves when it clears, and numbers each fingerprint’s changes 1, 2, 3 …', () => {
    let records = new Map<string, AlertRecord>();
    const log: string[] = [];
    const steps: [number, Map<string, Condition>][] = [
      [0, holding()],
      [1, holding(cond(1))],
      [2, holding(cond(1), cond(2))],
      [3, holding(cond(2))],
      [4, holding(cond(1), cond(2))],
      [5, holding()],
    ];
    for (const [minute, h] of steps) {
      const step = advance(records, h, minute * M);
      records = step.next;
      log.push(...brief(step.changes));
    }
    expect(log).toEqual([
      't1 firing #1 1970-01-01T00:01:00.000Z',
      't2 firing #1 1970-01-01T00:02:00.000Z',
      't1 resolved #2 1970-01-01T00:03:00.000Z',
      't1 firing #3 1970-01-01T00:04:00.000Z',
      't1 resolved #4 1970-01-01T00:05:00.000Z',
      't2 resolved #2 1970-01-01T00:05:00.000Z',
    ]);
    expect(records.get(fp(1))).toMatchObject({
      state: 'resolved',
      sequence: 4,
      summary: 'resolved: t1: no observation for 20 min',
    });
  });

  it('is idempotent: the same input a second time changes nothing, and leaves the input untouched', () => {
    const first = advance(new Map(), holding(cond(1), cond(2)), 10 * M);
    expect(first.changes).toHaveLength(2);
    const again = advance(first.next, holding(cond(1), cond(2)), 11 * M);
    expect(again.changes).toEqual([]);
    expect([...again.next.values()]).toEqual([...first.next.values()]);
    const resolved = advance(again.next, holding(), 12 * M);
    expect(resolved.changes).toHaveLength(2);
    expect(advance(resolved.next, holding(), 13 * M).changes).toEqual([]);
    // `current` is never changed: the caller may retry a cycle with it.
    expect(first.next.get(fp(1))?.state).toBe('firing');
  });

  it('does not start an alert for a held-back condition, but keeps one already firing', () => {
    expect(advance(new Map(), holding(cond(1, true)), 0).changes).toEqual([]);
    const firing = advance(new Map(), holding(cond(1)), 0).next;
    const held = advance(firing, holding(cond(1, true)), M);
    expect(held.changes).toEqual([]);
    expect(held.next.get(fp(1))?.state).toBe('firing');
  });
});
