import { expect } from 'vitest';
import { getJson, post } from '../../support/app.js';

const MIN = 60_000;

/**
 * A small history with hand-computed budgets (default policy: 30-day window, NoData
 * excluded, stale after 60 min). `H` is a UTC midnight at least 4 h ago, `at` = H + 3 h.
 *
 * Tenant T, team A:
 * - e1 (target 99): good 0–30, bad 30–60 (Failed), good 60–120, bad 120–150 (AtRisk 98.5 <
 *   99), good 150–180 (AtRisk 99.5 ≥ 99). Counted 180 min, breach 60 min, allowed 1.8 min.
 * - e2 (target 95): good 0–60, stale 60–100 (no result for 100 min), nodata 100–120, good
 *   120–180. Counted 120 min, no-data 60 min, breach 0, allowed 6 min.
 * Tenant U, team B:
 * - e3 (target 99.9): good 0–180.
 */
export function scenario(now = Date.now()) {
  const H = Math.floor((now - 4 * 3_600_000) / 86_400_000) * 86_400_000;
  const at = new Date(H + 180 * MIN).toISOString();
  const r =
    (entityName: string, tenantName: string, teamName: string, slaTarget: number) =>
    (min: number, status: string, currentSla: number) => ({
      entityName,
      entityType: 'table',
      tenantName,
      teamName,
      slaTarget,
      status,
      currentSla,
      observedAt: new Date(H + min * MIN).toISOString(),
    });
  const e1 = r('e1', 'T', 'A', 99);
  const e2 = r('e2', 'T', 'A', 95);
  const e3 = r('e3', 'U', 'B', 99.9);
  const updates = [
    e1(0, 'Passed', 99.5),
    e2(0, 'Passed', 97),
    e3(0, 'Passed', 99.95),
    e1(30, 'Failed', 90),
    e1(60, 'Passed', 99.2),
    e2(100, 'NoData', 0),
    e1(120, 'AtRisk', 98.5),
    e2(120, 'Passed', 96),
    e1(150, 'AtRisk', 99.5),
  ];
  return { H, at, updates };
}

/** Sends the updates one by one (each its own commit, in order). */
export async function seed(url: string, updates: readonly object[]): Promise<void> {
  for (const u of updates) {
    const res = await post(url, '/api/cache/incremental-update', u);
    expect(res.status, res.text).toBe(200);
  }
}

/** The hand-computed figures of the scenario (see `scenario`). */
export const EXPECTED = {
  e1: {
    countedMs: 180 * MIN,
    breachMs: 60 * MIN,
    allowedMs: 0.01 * 180 * MIN,
    compliance: (100 * 2) / 3,
    meanReportedSla: (99.5 * 30 + 90 * 30 + 99.2 * 60 + 98.5 * 30 + 99.5 * 30) / 180,
    // 5 and 30 min: good only; 1 h: 30 of 60 min bad at 1 % allowed; 6 h and 3 d: all 180 min.
    burnRates: [0, 0, 50, 100 / 3, 100 / 3],
  },
  e2: { countedMs: 120 * MIN, breachMs: 0, noDataMs: 60 * MIN, allowedMs: 0.05 * 120 * MIN, compliance: 100 },
  teamA: { countedMs: 300 * MIN, breachMs: 60 * MIN, allowedMs: (0.01 * 180 + 0.05 * 120) * MIN, compliance: 80 },
};

/** GET a budget read over REST, expecting 200. */
export async function budget(url: string, path: string): Promise<Record<string, unknown>> {
  const res = await getJson(url, path);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

/** Budget reads worth comparing across pods and restarts. */
export const READS = (at: string) => [
  `/api/budgets/overview?at=${at}`,
  `/api/budgets/tenant?tenantName=T&at=${at}`,
  `/api/budgets/team?tenantName=T&teamName=A&at=${at}`,
  `/api/budgets/series?tenantName=T&days=3&at=${at}`,
];
