import type { AlertViewAnswer } from '@sla/shared';

export const NOW = Date.parse('2026-12-01T12:00:00Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A firing status alert on orders_daily (entity 7), fired 6 h before NOW; `over` replaces fields. */
export function alertFixture(over: Partial<AlertViewAnswer>): AlertViewAnswer {
  return {
    fingerprint: 'f'.repeat(64),
    state: 'firing',
    sequence: 1,
    ruleName: 'failed',
    kind: 'status',
    tier: null,
    severity: 'page',
    tenantName: 'Data Engineering',
    teamName: 'PGM',
    entityId: 7,
    since: iso(NOW - 6 * H),
    resolvedAt: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    lastChange: {
      fingerprint: 'f'.repeat(64),
      sequence: 1,
      state: 'firing',
      ruleName: 'failed',
      kind: 'status',
      tier: null,
      severity: 'page',
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      entity: { id: 7, name: 'orders_daily', type: 'table' },
      summary: 'orders_daily: status Failed',
      at: iso(NOW - 6 * H),
    },
    ...over,
  };
}
