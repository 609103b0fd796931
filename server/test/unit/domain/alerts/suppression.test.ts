import type { AlertChange } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { advance } from '../../../../src/domain/alerts/advance.js';
import { fingerprint } from '../../../../src/domain/alerts/fingerprint.js';
import { announce, isSuppressed, reannouncedSummary } from '../../../../src/domain/alerts/suppression.js';
import type { AlertRecord, Condition, Silence, WindowOccurrence } from '../../../../src/domain/alerts/types.js';

const M = 60_000;
const cond: Condition = {
  ruleName: 'burn',
  kind: 'burn_rate',
  tier: 'page-1h',
  severity: 'page',
  tenantName: 'acme',
  teamName: 'data',
  entity: { id: 1, name: 'orders', type: 'table' },
  summary: 'orders: 1 h burn 18.2×, 5 min burn 20.0× (threshold 14.4)',
  heldBack: false,
};
const FP = fingerprint({ id: 1 }, 1, 'page-1h');
const teamWindow = (start: number, end: number, teamName = 'data'): WindowOccurrence => ({
  scope: { tenantName: 'acme', teamName, entityType: null, entityId: null },
  start: start * M,
  end: end * M,
});

/**
 * Runs minutes `[0, to]`: the condition holds during `holds(minute)`; returns what was
 * delivered and what was suppressed, as "minute state #sequence".
 */
function run(to: number, holds: (m: number) => boolean, silences: Silence[], windows: WindowOccurrence[]) {
  let records = new Map<string, AlertRecord>();
  const delivered: string[] = [];
  const suppressed: string[] = [];
  const show = (c: AlertChange) => `${Date.parse(c.at) / M} ${c.state} #${c.sequence}`;
  for (let m = 0; m <= to; m++) {
    const step = advance(records, new Map(holds(m) ? [[FP, cond]] : []), m * M);
    const out = announce(step.next, step.changes, silences, windows, m * M);
    records = out.next;
    delivered.push(...out.deliver.map(show));
    suppressed.push(...out.suppressed.map(show));
  }
  return { delivered, suppressed };
}

describe('silences and maintenance windows', () => {
  it('suppress a firing; when the silence ends the still-firing alert is announced, and its resolve follows', () => {
    const silence: Silence = { tenantName: 'acme', teamName: 'data', startsAt: 0, endsAt: 30 * M };
    const r = run(60, (m) => m >= 5 && m < 40, [silence], []);
    expect(r.suppressed).toEqual(['5 firing #1']);
    expect(r.delivered).toEqual(['30 firing #2', '40 resolved #3']);
  });

  it('deliver the resolve of an alert receivers were told of, even inside a window', () => {
    const r = run(60, (m) => m < 20, [], [teamWindow(10, 50)]);
    expect(r.delivered).toEqual(['0 firing #1', '20 resolved #2']);
    expect(r.suppressed).toEqual([]);
  });

  it('hide an alert that fires and resolves inside the window entirely, and announce nothing at its end', () => {
    const r = run(60, (m) => m >= 15 && m < 25, [], [teamWindow(10, 50)]);
    expect(r.delivered).toEqual([]);
    expect(r.suppressed).toEqual(['15 firing #1', '25 resolved #2']);
  });

  it('keep an alert suppressed while a silence follows the window, and announce it when the last one ends', () => {
    const silence: Silence = { tenantName: 'acme', entityId: 1, startsAt: 30 * M, endsAt: 45 * M };
    const r = run(60, (m) => m >= 15, [silence], [teamWindow(10, 30)]);
    expect(r.suppressed).toEqual(['15 firing #1']);
    expect(r.delivered).toEqual(['45 firing #2']);
  });

  it('match by scope and rule: another team, entity, type or rule is not suppressed', () => {
    const change: AlertChange = {
      ...cond,
      fingerprint: FP,
      sequence: 1,
      state: 'firing',
      at: new Date(5 * M).toISOString(),
    };
    const at = 5 * M;
    const silence = (s: Partial<Silence>): Silence => ({ tenantName: 'acme', startsAt: 0, endsAt: 10 * M, ...s });
    expect(isSuppressed(change, [silence({})], [], at)).toBe(true);
    expect(isSuppressed(change, [silence({ ruleName: 'burn', entityType: 'table' })], [], at)).toBe(true);
    expect(isSuppressed(change, [silence({ tenantName: 'other' })], [], at)).toBe(false);
    expect(isSuppressed(change, [silence({ teamName: 'web' })], [], at)).toBe(false);
    expect(isSuppressed(change, [silence({ entityId: 2 })], [], at)).toBe(false);
    expect(isSuppressed(change, [silence({ entityType: 'job' })], [], at)).toBe(false);
    expect(isSuppressed(change, [silence({ ruleName: 'stale' })], [], at)).toBe(false);
    expect(isSuppressed(change, [silence({})], [], 10 * M)).toBe(false);
    expect(isSuppressed(change, [], [teamWindow(0, 10)], at)).toBe(true);
    expect(isSuppressed(change, [], [teamWindow(0, 10, 'web')], at)).toBe(false);
    expect(isSuppressed(change, [], [teamWindow(6, 10)], at)).toBe(false);
  });

  it('is idempotent: announcing the same records again delivers nothing', () => {
    const silence: Silence = { tenantName: 'acme', startsAt: 0, endsAt: 10 * M };
    const step = advance(new Map(), new Map([[FP, cond]]), 0);
    const during = announce(step.next, step.changes, [silence], [], 0);
    expect(during.deliver).toEqual([]);
    const after = announce(during.next, [], [silence], [], 10 * M);
    expect(after.deliver.map((c) => c.sequence)).toEqual([2]);
    expect(announce(after.next, [], [silence], [], 11 * M).deliver).toEqual([]);
    expect(advance(after.next, new Map([[FP, cond]]), 11 * M).changes).toEqual([]);
  });
});

describe('re-announcement summaries', () => {
  const failed: Condition = {
    ...cond,
    ruleName: 'failed',
    kind: 'status',
    tier: null,
    entity: { id: 2, name: 'pg_table2', type: 'table' },
    summary: 'pg_table2: Failed for 0 min',
  };
  const fp = fingerprint({ id: 2 }, 2, null);

  it('say how long the condition has held when announced, not when it first fired', () => {
    const silence: Silence = { tenantName: 'acme', startsAt: 0, endsAt: 90_000 };
    const first = advance(new Map(), new Map([[fp, failed]]), 0);
    const hidden = announce(first.next, first.changes, [silence], [], 0);
    expect(hidden.deliver).toEqual([]);
    // 1.5 min later the silence is over; the condition now reads as of then.
    const now = 90_000;
    const holding = new Map([[fp, { ...failed, summary: 'pg_table2: Failed for 1 min' }]]);
    const step = advance(hidden.next, holding, now);
    const out = announce(step.next, step.changes, [silence], [], now, holding);
    expect(out.deliver.map((c) => c.summary)).toEqual([
      'pg_table2: Failed for 1 min (firing for 1 min, announced now: it was silenced or in maintenance)',
    ]);
    expect(out.next.get(fp)?.summary).toBe(out.deliver[0]?.summary);
  });

  it("without the current condition, count from the record's firing time to now", () => {
    const record: AlertRecord = {
      ...failed,
      fingerprint: fp,
      state: 'firing',
      sequence: 1,
      changedAt: 0,
      announced: null,
    };
    expect(reannouncedSummary(record, undefined, 150 * M)).toBe(
      'pg_table2: Failed for 0 min (firing for 2 h 30 min, announced now: it was silenced or in maintenance)',
    );
    const out = announce(new Map([[fp, record]]), [], [], [], 3 * M);
    expect(out.deliver[0]?.summary).toMatch(/\(firing for 3 min, announced now/);
  });
});
