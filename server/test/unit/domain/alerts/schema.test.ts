import { DEFAULT_BURN_TIERS, ZAlertChange, ZAlertRuleInput } from '@sla/shared';
import { describe, expect, it } from 'vitest';

/** The issues of a refused input as "path: message". */
const issues = (input: unknown) => {
  const r = ZAlertRuleInput.safeParse(input);
  if (r.success) throw new Error('expected the input to be refused');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const burn = { name: 'orders burn', tenantName: 'acme', kind: 'burn_rate' };
const tier = { name: 't', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4, severity: 'page' };

describe('ZAlertRuleInput', () => {
  it('gives a burn-rate rule the SRE workbook tiers, the whole tenant as scope and no channels by default', () => {
    const rule = ZAlertRuleInput.parse(burn);
    expect(rule).toEqual({ ...burn, scope: {}, channels: [], burnRate: { tiers: DEFAULT_BURN_TIERS } });
    expect(DEFAULT_BURN_TIERS.map((t) => [t.longWindowMinutes, t.shortWindowMinutes, t.factor, t.severity])).toEqual([
      [60, 5, 14.4, 'page'],
      [360, 30, 6, 'page'],
      [4320, 360, 1, 'ticket'],
    ]);
  });

  it('refuses a tier whose long window is not longer than its short one, on that tier’s longWindowMinutes', () => {
    const tiers = [tier, { ...tier, name: 'u', longWindowMinutes: 30, shortWindowMinutes: 30 }];
    expect(issues({ ...burn, burnRate: { tiers } })).toEqual([
      'burnRate.tiers.1.longWindowMinutes: burnRate.tiers.1.longWindowMinutes (30) must be longer than shortWindowMinutes (30)',
    ]);
  });

  it('names the field of every other bad value', () => {
    expect(issues({ ...burn, burnRate: { tiers: [{ ...tier, factor: 0 }] } })).toEqual([
      'burnRate.tiers.0.factor: factor must be greater than 0',
    ]);
    expect(issues({ ...burn, burnRate: { tiers: [tier, tier] } })).toEqual([
      'burnRate.tiers.1.name: tier name "t" is used twice',
    ]);
    expect(issues({ ...burn, burnRate: { tiers: [] } })).toEqual([
      'burnRate.tiers: burnRate.tiers must hold at least one tier',
    ]);
    expect(issues({ ...burn, channels: ['ops', 'ops'] })).toEqual(['channels: channels must not name a channel twice']);
    expect(issues({ ...burn, name: 'a\u0000b' })[0]).toMatch(/^name: name must not contain control characters/);
    expect(issues({ ...burn, scope: { entityType: 'Bad Type' } })[0]).toMatch(/^scope\.entityType: /);
    expect(issues({ ...burn, kind: 'flapping' })).toEqual(['kind: kind must be one of burn_rate, status, stale']);
    expect(issues({ ...burn, kind: 'status', status: { to: 'Failed', forMinutes: -1 } })).toEqual([
      'status.forMinutes: status.forMinutes must be at least 0',
    ]);
    expect(issues({ ...burn, kind: 'status', status: { to: 'AtRisk', forMinutes: 5 } })).toEqual([
      'status.to: status.to must be Failed or below_target',
    ]);
    expect(issues({ ...burn, kind: 'stale', stale: { forMinutes: 0 } })).toEqual([
      'stale.forMinutes: stale.forMinutes must be at least 1',
    ]);
    expect(issues({ ...burn, kind: 'stale', severity: 'urgent', stale: { forMinutes: 10 } })[0]).toMatch(
      /^severity: severity must be one of page, ticket, info/,
    );
  });

  it('accepts status and stale rules with a severity (page and ticket by default)', () => {
    const status = ZAlertRuleInput.parse({ ...burn, kind: 'status', status: { to: 'below_target', forMinutes: 0 } });
    expect(status).toMatchObject({ severity: 'page', status: { to: 'below_target', forMinutes: 0 } });
    const stale = ZAlertRuleInput.parse({
      ...burn,
      kind: 'stale',
      stale: { forMinutes: 30 },
      scope: { teamName: 'data' },
    });
    expect(stale).toMatchObject({ severity: 'ticket', scope: { teamName: 'data' } });
  });
});

describe('ZAlertChange', () => {
  it('is the contract shape a receiver parses', () => {
    const change = {
      fingerprint: 'a'.repeat(64),
      sequence: 1,
      state: 'firing',
      ruleName: 'r',
      kind: 'stale',
      tier: null,
      severity: 'ticket',
      tenantName: 'acme',
      teamName: 'data',
      entity: { id: 1, name: 'orders', type: 'table' },
      summary: 'orders: no observation for 20 min',
      at: '2026-12-01T12:00:00.000Z',
    };
    expect(ZAlertChange.parse(change)).toEqual(change);
    expect(ZAlertChange.safeParse({ ...change, state: 'acknowledged' }).success).toBe(false);
  });
});
