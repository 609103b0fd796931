import type { AlertRuleAnswer } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import {
  alertSubject,
  deliveryOutcome,
  describeCondition,
  describeTestResult,
  describeTier,
  silenceDraft,
} from '../../src/lib/alerts';
import { emptyChannelForm, toChannelInput } from '../../src/lib/channel-form';
import { fieldErrors } from '../../src/lib/field-errors';
import { emptyRuleForm, ruleFields, ruleFormOf, toRuleInput } from '../../src/lib/rule-form';
import { alertFixture } from './alert-fixture';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('alert wording', () => {
  it('names the entity and team, or the scope for a scope-wide alert', () => {
    expect(alertSubject(alertFixture({}))).toBe('orders_daily (table) · PGM');
    const scopeWide = alertFixture({ entityId: null });
    scopeWide.lastChange = { ...scopeWide.lastChange, entity: null };
    expect(alertSubject(scopeWide)).toBe('Data Engineering / PGM');
  });

  it("prefills a silence with the alert's scope and rule for one hour", () => {
    expect(silenceDraft(alertFixture({}), NOW)).toEqual({
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      entityType: 'table',
      entityId: 7,
      ruleName: 'failed',
      endsAt: '2026-12-01T13:00:00.000Z',
      reason: '',
    });
  });

  it('describes tiers, conditions, delivery outcomes and test results in words', () => {
    const tier = {
      name: 'page-1h',
      longWindowMinutes: 60,
      shortWindowMinutes: 5,
      factor: 14.4,
      severity: 'page' as const,
    };
    expect(describeTier({ ...tier, enabled: true })).toBe('page-1h: 1 h and 5 min burn over 14.4× → Page');
    expect(describeTier({ ...tier, enabled: false })).toMatch(/\(disabled\)$/);
    const burn = {
      kind: 'burn_rate',
      burnRate: {
        tiers: [
          { ...tier, enabled: true },
          { ...tier, enabled: false },
        ],
      },
    };
    expect(describeCondition(burn as AlertRuleAnswer)).toBe('1 of 2 burn-rate tiers enabled');
    expect(describeCondition({ kind: 'stale', stale: { forMinutes: 30 } } as AlertRuleAnswer)).toBe(
      'No data for 30 min',
    );
    expect(deliveryOutcome({ deliveredAt: 'x', abandonedAt: null, attempts: 2 }).label).toBe('Delivered');
    expect(deliveryOutcome({ deliveredAt: null, abandonedAt: null, attempts: 1 }).label).toBe('Retrying');
    expect(deliveryOutcome({ deliveredAt: null, abandonedAt: 'x', attempts: 9 }).state).toBe('abandoned');
    expect(describeTestResult({ ok: true, status: 200, error: null, retryable: false, durationMs: 12.3 })).toBe(
      'Delivered: HTTP 200 in 12 ms',
    );
    expect(describeTestResult({ ok: false, status: null, error: 'timeout', retryable: true, durationMs: 5000 })).toBe(
      'Failed: no answer in 5 s (would be retried) — timeout',
    );
  });
});

describe('rule and channel forms', () => {
  it('sends only the chosen kind, a blank scope as the whole tenant, and bad numbers as typed', () => {
    const form = {
      ...emptyRuleForm('Data Engineering'),
      name: ' failed ',
      channels: 'ops, , pager',
      forMinutes: 'ten',
    };
    expect(toRuleInput(form)).toEqual({
      name: 'failed',
      tenantName: 'Data Engineering',
      scope: {},
      channels: ['ops', 'pager'],
      kind: 'status',
      severity: 'page',
      status: { to: 'Failed', forMinutes: 'ten' },
    });
    const burn = toRuleInput({ ...form, kind: 'burn_rate', teamName: 'PGM', entityId: '12' });
    expect(burn).toMatchObject({ kind: 'burn_rate', scope: { teamName: 'PGM', entityId: 12 } });
    expect(burn.kind === 'burn_rate' && burn.burnRate?.tiers?.map((t) => t.factor)).toEqual([14.4, 6, 1]);
    expect(burn).not.toHaveProperty('severity');
  });

  it('round-trips a stored burn-rate rule through the form', () => {
    const stored = {
      id: 3,
      name: 'budget',
      tenantName: 'Finance',
      kind: 'burn_rate',
      scope: { teamName: 'Billing' },
      channels: ['ops'],
      burnRate: {
        tiers: [
          { name: 'fast', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 10, severity: 'page', enabled: false },
        ],
      },
      managedByFile: false,
      createdAt: '',
      updatedAt: '',
    } as AlertRuleAnswer;
    const input = toRuleInput(ruleFormOf(stored));
    expect(input).toEqual({
      name: 'budget',
      tenantName: 'Finance',
      kind: 'burn_rate',
      scope: { teamName: 'Billing' },
      channels: ['ops'],
      burnRate: { tiers: stored.kind === 'burn_rate' ? stored.burnRate.tiers : [] },
    });
  });

  it("puts the server's messages by the tier field, the channel list and the scope field they name", () => {
    const err = {
      message: 'x',
      data: {
        issues: [
          { path: 'burnRate.tiers.1.longWindowMinutes', message: 'must be longer than shortWindowMinutes' },
          { path: 'channels.0', message: 'unknown channel nope' },
          { path: 'scope.entityId', message: 'scope.entityId must be an entity id' },
          { path: 'slack', message: 'slack is only for kind slack' },
        ],
      },
    };
    const { byField, general } = fieldErrors(err, ruleFields(3));
    expect(byField['burnRate.tiers.1.longWindowMinutes']).toBe('must be longer than shortWindowMinutes');
    expect(byField.channels).toBe('unknown channel nope');
    expect(byField['scope.entityId']).toMatch(/entity id/);
    expect(general).toBe('slack is only for kind slack');
  });

  it('sends a webhook without Slack fields and a Slack bot channel without a URL', () => {
    const base = emptyChannelForm('Finance');
    expect(
      toChannelInput({ ...base, name: 'ops', url: ' http://127.0.0.1:9/hook ', secret: 's3', slackChannel: 'x' }),
    ).toEqual({
      name: 'ops',
      tenantName: 'Finance',
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      secret: 's3',
    });
    expect(
      toChannelInput({ ...base, name: 'sl', kind: 'slack', secret: 's', slackChannel: '#ops', slackBotToken: 'xoxb' }),
    ).toEqual({
      name: 'sl',
      tenantName: 'Finance',
      kind: 'slack',
      slack: { channel: '#ops', botToken: 'xoxb' },
    });
  });
});
