import type { Seeded } from './sources.js';
import { oneOff } from './sources.js';

/**
 * The fixed dataset of the golden report (golden-report.csv): tenant "Acme", November
 * 2026 in UTC, NoData policy `exclude`, results older than 40 days stale (so no stale time
 * in November: the dataset is about breaches and windows).
 *
 * - 1 `Core / table / orders` (target 99): Passed 99.5 from before the month; Failed 97 on
 *   Nov 10 00:00–06:00; Passed 99.2 until Failed 96 at Nov 30 23:00, Passed again Dec 1 02:00
 *   (a breach crossing the period's end, clipped at Dec 1 00:00).
 * - 2 `Core / table / =cmd|' /C calc'!A0` (a name a spreadsheet would run; target 95):
 *   first observed Nov 15, Passed 100 but NoData for Nov 20 (not counted).
 * - 3 `Billing, EU / job / nightly "rollup"⏎v2` (a comma, quotes and a newline; target 90):
 *   Failed 80 since October (again on Nov 20), the whole month (a breach crossing both
 *   edges, cut by the windows).
 * - Windows: tenant-wide maintenance Nov 10 03:00–04:00; a deployment for team
 *   "Billing, EU" Nov 10 03:30–05:00 (its overlap with the maintenance counts once, as
 *   maintenance).
 */
export const TENANT = 'Acme';
export const PERIOD = '2026-11';
/** Two weeks after the period: closable (grace 24 h). */
export const NOW = Date.parse('2026-12-15T00:00:00Z');
export const STALE_AFTER_MS = 40 * 86_400_000;

const core = { tenantName: TENANT, teamName: 'Core', entityType: 'table' };
export const DATASET: Seeded[] = [
  {
    entity: { id: 1, ...core, entityName: 'orders' },
    results: [
      ['2026-10-31T22:00:00Z', 'Passed', 99.5, 99],
      ['2026-11-10T00:00:00Z', 'Failed', 97, 99],
      ['2026-11-10T06:00:00Z', 'Passed', 99.2, 99],
      ['2026-11-30T23:00:00Z', 'Failed', 96, 99],
      ['2026-12-01T02:00:00Z', 'Passed', 99, 99],
    ],
  },
  {
    entity: { id: 2, ...core, entityName: "=cmd|' /C calc'!A0" },
    results: [
      ['2026-11-15T00:00:00Z', 'Passed', 100, 95],
      ['2026-11-20T00:00:00Z', 'NoData', 100, 95],
      ['2026-11-21T00:00:00Z', 'Passed', 100, 95],
    ],
  },
  {
    entity: {
      id: 3,
      tenantName: TENANT,
      teamName: 'Billing, EU',
      entityType: 'job',
      entityName: 'nightly "rollup"\nv2',
    },
    results: [
      ['2026-10-20T00:00:00Z', 'Failed', 80, 90],
      ['2026-11-20T00:00:00Z', 'Failed', 80, 90],
    ],
  },
];

export const WINDOWS = [
  oneOff('2026-11-10T03:00:00Z', '2026-11-10T04:00:00Z', 'maintenance', { tenantName: TENANT }),
  oneOff('2026-11-10T03:30:00Z', '2026-11-10T05:00:00Z', 'deployment', { tenantName: TENANT, teamName: 'Billing, EU' }),
];
