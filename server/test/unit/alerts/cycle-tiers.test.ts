import { type Status, ZAlertRule } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { type CycleInputs, runCycle } from '../../../src/alerts/cycle.js';
import type { AlertConfig } from '../../../src/alerts/engine-types.js';
import type { AlertRecord } from '../../../src/domain/alerts/index.js';
import { appendResult } from '../../../src/domain/budget/timeline.js';
import type { Timeline } from '../../../src/domain/budget/types.js';
import { EntityView } from '../../../src/readmodel/view.js';

const M = 60_000;
const STALE_MS = 30 * M;
const T0 = Date.UTC(2026, 11, 1, 12);
/** Eight bad minutes ending at T0, good minutes before and after. */
const badAt = (at: number) => at > T0 - 8 * M && at <= T0;

/** One entity's view and budget book as of `now` (results every minute for three hours). */
function inputsAt(now: number): CycleInputs {
  let t: Timeline | null = null;
  for (let at = now - 180 * M; at <= now; at += M) {
    const bad = badAt(at);
    t = appendResult(
      t,
      { observedAt: at, status: bad ? 'Failed' : 'Passed', currentSla: bad ? 80 : 99.95, slaTarget: 99.9 },
      STALE_MS,
    );
  }
  const view = new EntityView();
  const status: Status = badAt(now) ? 'Failed' : 'Passed';
  view.apply({
    id: 1,
    tenantName: 'Shop',
    teamName: 'orders',
    entityType: 'table',
    entityName: 'orders_daily',
    slaTarget: 99.9,
    currentSla: 99.95,
    status,
    statusSince: now - M,
    observedAt: now,
    updatedAt: now,
    version: 1,
  });
  return {
    view,
    book: { get: () => t as Timeline },
    noDataPolicyOf: () => 'exclude',
    windows: [],
    staleAfterMs: STALE_MS,
    ingestUnavailableSince: null,
    ingestBackAt: null,
    graceMs: 0,
  };
}

const config: AlertConfig = {
  rules: [
    ZAlertRule.parse({
      id: 1,
      name: 'burn',
      tenantName: 'Shop',
      kind: 'burn_rate',
      burnRate: {
        tiers: [
          { name: 'fast', longWindowMinutes: 10, shortWindowMinutes: 5, factor: 1, severity: 'page' },
          { name: 'slow', longWindowMinutes: 120, shortWindowMinutes: 60, factor: 1, severity: 'ticket' },
        ],
      },
    }),
  ],
  channels: new Map(),
  silences: [],
};

const told = (r: { toRecord: { change: { tier: string | null; state: string } }[] }) =>
  r.toRecord.map((c) => `${c.change.tier} ${c.change.state}`);

describe('evaluation cycles hold a slower burn tier back after a faster one fired (lastFiringAt from the records)', () => {
  it('the slow tier does not page for the incident the fast tier paged on, while or after the fast one resolves', async () => {
    let records: Map<string, AlertRecord> = new Map();
    const first = await runCycle(config, records, inputsAt(T0), T0);
    expect(told(first)).toEqual(['fast firing']);
    records = first.next;
    // 12 minutes on the fast tier's windows are good again, the slow tier's still hold the bad minutes.
    const second = await runCycle(config, records, inputsAt(T0 + 12 * M), T0 + 12 * M);
    expect(told(second)).toEqual(['fast resolved']);
    records = second.next;
    // Resolved: its last firing (the resolve's time) is within the slow tier's 2 h window.
    const third = await runCycle(config, records, inputsAt(T0 + 14 * M), T0 + 14 * M);
    expect(told(third)).toEqual([]);
  });
});
