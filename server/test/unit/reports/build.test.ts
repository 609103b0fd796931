import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors.js';
import { buildReport } from '../../../src/reports/build.js';
import { DATASET, STALE_AFTER_MS, TENANT, WINDOWS } from './dataset.js';
import { memorySources } from './sources.js';

const sources = () => memorySources(DATASET, { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS });
const refused = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe('buildReport', () => {
  it('refuses a future period with a 400 naming period', async () => {
    const err = await refused(
      buildReport(sources(), { tenantName: TENANT, period: '2026-12' }, Date.parse('2026-11-20T00:00:00Z')),
    );
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/^period 2026-12 has not started yet/);
  });

  it.each(['2026-13', '2026-Q5', '1969-01', 'Nov 2026'])(
    'refuses the malformed period %s with a 400 naming period',
    async (period) => {
      const err = await refused(
        buildReport(sources(), { tenantName: TENANT, period }, Date.parse('2026-11-20T00:00:00Z')),
      );
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toMatch(/^period/);
    },
  );

  it('answers the current period as provisional, counting up to now only', async () => {
    const now = Date.parse('2026-11-10T05:00:00Z');
    const sofar = DATASET.map((s) => ({ ...s, results: s.results.filter(([at]) => Date.parse(at) <= now) }));
    const r = await buildReport(
      memorySources(sofar, { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS }),
      { tenantName: TENANT, period: '2026-11' },
      now,
    );
    expect(r.state).toBe('provisional');
    expect(r.revision).toBeNull();
    expect(r.generatedAt).toBe('2026-11-10T05:00:00.000Z');
    const orders = r.rows.find((x) => x.entityName === 'orders');
    // 9 days + 5 h elapsed, minus the 1 h window; breach 00:00–03:00 and 04:00–05:00 so far.
    expect(orders?.countedMs).toBe((9 * 24 + 4) * 3_600_000);
    expect(orders?.breaches).toEqual([
      { start: '2026-11-10T00:00:00.000Z', end: '2026-11-10T03:00:00.000Z', durationMs: 3 * 3_600_000 },
      { start: '2026-11-10T04:00:00.000Z', end: '2026-11-10T05:00:00.000Z', durationMs: 3_600_000 },
    ]);
    // Entity 2 is first observed on Nov 15: not in the report yet.
    expect(r.rows.map((x) => x.entityId)).toEqual([3, 1]);
  });

  it('orders rows by team, type and name, and scopes to a team or an entity', async () => {
    const now = Date.parse('2026-12-15T00:00:00Z');
    const all = await buildReport(sources(), { tenantName: TENANT, period: '2026-11' }, now);
    expect(all.rows.map((x) => [x.teamName, x.entityType, x.entityName])).toEqual([
      ['Billing, EU', 'job', 'nightly "rollup"\nv2'],
      ['Core', 'table', "=cmd|' /C calc'!A0"],
      ['Core', 'table', 'orders'],
    ]);
    const team = await buildReport(sources(), { tenantName: TENANT, teamName: 'Core', period: '2026-11' }, now);
    expect(team.teamName).toBe('Core');
    expect(team.rows.map((x) => x.entityId)).toEqual([2, 1]);
    expect(team.summary.countedMs).toBe((21_600 + 43_140) * 60_000);
    const one = await buildReport(sources(), { tenantName: TENANT, entityId: 3, period: '2026-Q4' }, now);
    expect(one.rows.map((x) => x.entityId)).toEqual([3]);
    expect(one.from).toBe('2026-10-01T00:00:00.000Z');
    expect(one.to).toBe('2027-01-01T00:00:00.000Z');
  });

  it('answers 404 naming the unknown tenant, team or entity', async () => {
    const now = Date.parse('2026-12-15T00:00:00Z');
    const cases = [
      [{ tenantName: 'Nobody' }, /^tenantName/],
      [{ tenantName: TENANT, teamName: 'Nope' }, /^teamName/],
      [{ tenantName: TENANT, entityId: 99 }, /^entityId/],
    ] as const;
    for (const [scope, message] of cases) {
      const err = await refused(buildReport(sources(), { ...scope, period: '2026-11' }, now));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toMatch(message);
    }
  });

  it('reads the period in the tenant time zone', async () => {
    const s = memorySources(DATASET, { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS, timeZone: 'Europe/Berlin' });
    const r = await buildReport(s, { tenantName: TENANT, period: '2026-11' }, Date.parse('2026-12-15T00:00:00Z'));
    expect([r.from, r.to, r.timeZone]).toEqual([
      '2026-10-31T23:00:00.000Z',
      '2026-11-30T23:00:00.000Z',
      'Europe/Berlin',
    ]);
  });
});
