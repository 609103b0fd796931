import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/sql.js';
import { buildReport } from '../../../src/reports/build.js';
import { reportHash } from '../../../src/reports/canonical.js';
import { ReportCloser } from '../../../src/reports/closer.js';
import { localRunLock, pgRunLock, type RunLock } from '../../../src/reports/lease.js';
import { getReport, type ReportsDeps, reportRevisions } from '../../../src/reports/service.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';
import { oneOff } from '../../unit/reports/sources.js';
import { BILLING, log, logResult, ORDERS, openDb, testSources } from './helpers.js';

const NOW = Date.parse('2026-12-15T00:00:00Z');
const GRACE = 24 * 3_600_000;
const NOV = { tenantName: 'Acme', period: '2026-11' };

/** A pod: its own pool, its own sources and closer on the shared schema. */
async function pod(schema: string, lock?: RunLock) {
  const { db, close } = await openDb(schema);
  const sources = testSources(db);
  const deps: ReportsDeps = { sources, sql: db.sql, graceMs: GRACE, now: () => NOW };
  const closer = new ReportCloser({ ...deps, lock: lock ?? pgRunLock(PG_URL, schema), log });
  return { db, sources, deps, closer, close };
}

async function seed(db: Db) {
  await logResult(db, ORDERS, '2026-10-31T22:00:00Z', 'Passed', 99.5, 99);
  await logResult(db, ORDERS, '2026-11-10T00:00:00Z', 'Failed', 97, 99);
  await logResult(db, ORDERS, '2026-11-10T06:00:00Z', 'Passed', 99.2, 99);
  await logResult(db, BILLING, '2026-11-05T00:00:00Z', 'Passed', 100, 95);
}

describe('the report closer on PostgreSQL', () => {
  const schema = uniqueSchema('report_closer');
  let a: Awaited<ReturnType<typeof pod>>;

  beforeAll(async () => {
    a = await pod(schema);
    await seed(a.db);
  });
  afterAll(async () => {
    await a?.close();
    await dropSchema(schema);
  });

  it('closes the past month and quarter into revision 1 with the content hash', async () => {
    const run = await a.closer.runOnce();
    expect(run?.closed.sort()).toEqual(['Acme|2026-11', 'Acme|2026-Q3']);
    const closed = await getReport(a.deps, NOV);
    expect(closed.state).toBe('closed');
    expect(closed.revision).toBe(1);
    expect(closed.contentHash).toBe(reportHash(await buildReport(a.sources, NOV, NOW)));
    expect(closed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await reportRevisions(a.deps, NOV)).map((r) => [r.revision, r.reason])).toEqual([[1, 'closed']]);
    // Nothing changed: a second run writes nothing.
    expect(await a.closer.runOnce()).toMatchObject({ closed: [], revised: [] });
  });

  it('a late result creates revision 2 and keeps revision 1', async () => {
    const first = await getReport(a.deps, NOV);
    // Billing's poller was silent since Nov 5 and now delivers Nov 25 (applied: newer than its latest).
    await logResult(a.db, BILLING, '2026-11-25T00:00:00Z', 'Failed', 80, 95);
    const run = await a.closer.runOnce();
    expect(run?.revised).toEqual(['Acme|2026-11#2']);
    const latest = await getReport(a.deps, NOV);
    expect(latest.revision).toBe(2);
    expect(latest.contentHash).not.toBe(first.contentHash);
    const old = await getReport(a.deps, { ...NOV, revision: 1 });
    expect(old).toEqual(first);
    const revisions = await reportRevisions(a.deps, NOV);
    expect(revisions.map((r) => [r.revision, r.reason])).toEqual([
      [1, 'closed'],
      [2, 'late results'],
    ]);
  });

  it('a maintenance window added afterwards creates revision 3', async () => {
    a.sources.policy.windows = [
      oneOff('2026-11-10T00:00:00Z', '2026-11-10T02:00:00Z', 'maintenance', { tenantName: 'Acme' }),
    ];
    a.sources.policy.version++;
    const run = await a.closer.runOnce();
    expect(run?.revised).toEqual(['Acme|2026-11#3']);
    const revisions = await reportRevisions(a.deps, NOV);
    expect(revisions.map((r) => [r.revision, r.reason])).toEqual([
      [1, 'closed'],
      [2, 'late results'],
      [3, 'maintenance window changed'],
    ]);
    const latest = await getReport(a.deps, { ...NOV, teamName: 'Core' });
    expect(latest.rows[0]?.excludedMinutes.maintenance).toBe(120);
    expect(latest.revision).toBe(3);
  });

  it('a revision that does not exist is a 404 naming revision', async () => {
    await expect(getReport(a.deps, { ...NOV, revision: 9 })).rejects.toThrow(/^revision: /);
  });
});

describe('closers of two pods at once', () => {
  for (const [label, lock] of [
    ['under the advisory lock', undefined],
    ['even without a lock (the primary key decides)', 'none'],
  ] as const)
    it(`leave exactly one revision ${label}`, async () => {
      const schema = uniqueSchema('report_race');
      const pods = [await pod(schema, lock ? localRunLock() : undefined)];
      pods.push(await pod(schema, lock ? localRunLock() : undefined));
      try {
        await seed(pods[0]?.db as Db);
        const runs = await Promise.all(pods.map((p) => p.closer.runOnce()));
        const [row] =
          (await pods[0]?.db.sql<{ n: string; hashes: string }>(
            `SELECT count(*) AS n, count(DISTINCT content_hash) AS hashes FROM sla_report_snapshot WHERE period = '2026-11'`,
          )) ?? [];
        expect(Number(row?.n)).toBe(1);
        const closedBy = runs.flatMap((r) => r?.closed ?? []).filter((k) => k === 'Acme|2026-11');
        expect(closedBy).toHaveLength(1);
      } finally {
        for (const p of pods) await p.close();
        await dropSchema(schema);
      }
    });
});
