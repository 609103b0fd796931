import { DEFAULT_BURN_TIERS } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { FakeEntity, M, type Obs, rule, simulate } from './harness.js';

/**
 * Golden histories for multi-window multi-burn-rate rules. Target 99.9 %: the budget is
 * 0.1 % of counted time, so a window with b breach minutes out of w burns at b / w / 0.001.
 * History: good from minute 0 (more than 3 days before the incident), Failed during
 * [5000, 5010), good after.
 */
const incident: Obs[] = [
  [0, 'Passed', 100, 99.9],
  [5000, 'Failed', 0, 99.9],
  [5010, 'Passed', 100, 99.9],
];
const STALE_NEVER = 30 * 24 * 60 * M;
const burnRule = (tiers = DEFAULT_BURN_TIERS.map((t) => ({ ...t }))) =>
  rule({ kind: 'burn_rate', burnRate: { tiers } });

describe('burn-rate rules on a golden history', () => {
  it('pages once per incident: the fast tier fires and resolves; slower tiers that still hold stay held back', () => {
    const lines = simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 4990,
      to: 5400,
    });
    expect(lines).toEqual([
      // 1 h: 1 breach minute of 60 = 16.7× > 14.4; 5 min: 1 of 5 = 200×.
      '5001 firing page-1h t1',
      // The 5 min window holds no breach from 5015. The 6 h tier (3 of 360 = 8.3× from 5003) holds
      // until 5040 and the 3 d tier (10 of 4320 = 2.3× since 5005) until 5370, but the 1 h tier fired
      // within their long windows about this same bad time: neither pages again (pyrra#1883).
      '5015 resolved page-1h t1',
    ]);
  });

  it('without the record of the faster tier (no lastFiringAt), slower tiers fire as each faster one clears', () => {
    const lines = simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 4990,
      to: 5400,
      ctx: () => ({ lastFiringAt: undefined }),
    });
    expect(lines).toEqual([
      '5001 firing page-1h t1',
      '5015 resolved page-1h t1',
      '5015 firing page-6h t1',
      '5040 resolved page-6h t1',
      '5040 firing ticket-3d t1',
      // Its 6 h short window clears 360 minutes after the incident ended.
      '5370 resolved ticket-3d t1',
    ]);
  });

  it('a slower tier fires for bad time a full long window after the faster tier last fired (a new problem)', () => {
    // Target 99 %: the budget is 1 %. The incident pages the 1 h tier; from 5500 a slow burn (below
    // target 5 of every 60 minutes: 8.3× over 1 h, under 14.4) passes 6× over 6 h, more than 6 h
    // after the 1 h tier resolved, so the 6 h tier pages for it.
    const slow: Obs[] = [
      [0, 'Passed', 100, 99],
      [5000, 'Failed', 0, 99],
      [5010, 'Passed', 100, 99],
    ];
    for (let m = 5500; m < 6400; m += 60) slow.push([m, 'AtRisk', 98, 99], [m + 5, 'Passed', 100, 99]);
    const lines = simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, slow, STALE_NEVER)],
      from: 4990,
      to: 6400,
    });
    const [fired, resolved, next] = lines;
    expect(fired).toMatch(/^50\d\d firing page-1h t1$/);
    expect(resolved).toMatch(/^50\d\d resolved page-1h t1$/);
    expect(next).toMatch(/^\d+ firing page-6h t1$/);
    expect(Number(next?.split(' ')[0])).toBeGreaterThanOrEqual(Number(resolved?.split(' ')[0]) + 360);
  });

  it('holds slower tiers back while a faster one holds: only the fast tier fires though all three hold', () => {
    const seen: { minute: number; holding: string[]; firing: string[] }[] = [];
    simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 5008,
      to: 5008,
      each: (minute, holding, records) =>
        seen.push({
          minute,
          holding: [...holding.values()].map((c) => `${c.tier}${c.heldBack ? ' (held back)' : ''}`),
          firing: [...records.values()].filter((r) => r.state === 'firing').map((r) => r.tier ?? ''),
        }),
    });
    expect(seen).toEqual([
      { minute: 5008, holding: ['page-1h', 'page-6h (held back)', 'ticket-3d (held back)'], firing: ['page-1h'] },
    ]);
  });

  it('says in one line which windows burn how fast against which threshold', () => {
    const summaries: string[] = [];
    simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 5003,
      to: 5003,
      each: (_, holding) => summaries.push(...[...holding.values()].map((c) => c.summary)),
    });
    // 3 breach minutes: of 60 = 50×, of 5 = 600×, of 360 = 8.3×, of 30 = 100×.
    expect(summaries).toEqual([
      't1: 1 h burn 50.0×, 5 min burn 600.0× (threshold 14.4)',
      't1: 6 h burn 8.3×, 30 min burn 100.0× (threshold 6)',
    ]);
  });

  it('never fires a disabled tier; the next tier fires on its own thresholds instead', () => {
    const tiers = DEFAULT_BURN_TIERS.map((t) => ({ ...t, enabled: t.name !== 'page-1h' }));
    const lines = simulate({
      rules: [burnRule(tiers)],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 4990,
      to: 5400,
    });
    // The 3 d tier still holds at 5040 but the 6 h tier paged on this incident: held back.
    expect(lines).toEqual(['5003 firing page-6h t1', '5040 resolved page-6h t1']);
  });

  it('does not count time inside a maintenance exclusion, so an incident inside a window burns nothing', () => {
    const lines = simulate({
      rules: [burnRule()],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 4990,
      to: 5400,
      ctx: () => ({ exclusionsOf: () => [{ start: 4995 * M, end: 5020 * M, category: 'maintenance' }] }),
    });
    expect(lines).toEqual([]);
  });

  it('looks only at entities in the rule scope', () => {
    const lines = simulate({
      rules: [rule({ kind: 'burn_rate', scope: { teamName: 'other' } })],
      entities: [new FakeEntity(1, incident, STALE_NEVER)],
      from: 4995,
      to: 5010,
    });
    expect(lines).toEqual([]);
  });
});
