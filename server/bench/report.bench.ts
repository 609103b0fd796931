/**
 * Compliance report benchmark (issue #14: a monthly CSV report for a 10,000-entity tenant
 * in ≤ 2 s). A month (November 2026, UTC) of a tenant with N entities in 20 teams, each
 * with a result every day (30 per entity, a tenth of them breaching), a weekly recurring
 * maintenance window for the tenant and a one-off deployment window per team, measured two
 * ways:
 * - `memory`: timelines already in memory (the budget book's case: recent periods), so the
 *   time is report assembly (sums, breaches, excluded minutes, rollup) plus CSV;
 * - `postgres`: timelines read from the change log (older periods, and what the closer
 *   reads), one query, then the same.
 * Each figure is the median of `repeats` runs (after one warm-up).
 *
 *   cd server && npx tsx bench/report.bench.ts          (or pnpm bench --only report)
 */

import type { Report } from '@sla/shared';
import pg from 'pg';
import pino from 'pino';
import { migrate, openOrm } from '../src/db/orm.js';
import { sqlRunner } from '../src/db/sql.js';
import { appendResult, type ScopedWindow, type Timeline } from '../src/domain/budget/index.js';
import { buildReport } from '../src/reports/build.js';
import { reportCsv } from '../src/reports/csv.js';
import { changeLogSources } from '../src/reports/log-sources.js';
import { closePeriod, getReport } from '../src/reports/service.js';
import type { ReportEntity, ReportSources } from '../src/reports/sources.js';
import { dropSchema, PG_URL, uniqueSchema } from '../test/support/app.js';
import { isEntry, mdTable } from './util.js';

const TENANT = 'Bench';
const PERIOD = '2026-11';
const FROM = Date.parse('2026-11-01T00:00:00Z');
const NOW = Date.parse('2026-12-15T00:00:00Z');
const DAY = 86_400_000;
const STALE_AFTER_MS = 2 * DAY;
const TEAMS = 20;

/** Result `k` (0–30) of entity `i`: daily, at an hour of its own; every tenth result fails. */
const resultOf = (i: number, k: number) => {
  const observedAt = FROM - DAY + k * DAY + (i % 24) * 3_600_000;
  const failed = (i + k) % 10 === 0;
  return {
    observedAt,
    status: failed ? ('Failed' as const) : ('Passed' as const),
    currentSla: failed ? 90 : 99.5,
    slaTarget: 99,
  };
};
const entityOf = (i: number): ReportEntity => ({
  id: i + 1,
  tenantName: TENANT,
  teamName: `team-${String(i % TEAMS).padStart(2, '0')}`,
  entityType: i % 3 === 0 ? 'job' : 'table',
  entityName: `entity_${String(i).padStart(6, '0')}`,
});
const windows = (): ScopedWindow[] => [
  {
    start: Date.parse('2026-10-04T02:00:00Z'),
    end: Date.parse('2026-10-04T04:00:00Z'),
    rrule: 'FREQ=WEEKLY',
    timeZone: 'UTC',
    until: null,
    category: 'maintenance',
    scope: { tenantName: TENANT, teamName: null, entityType: null, entityId: null },
  },
  ...Array.from({ length: TEAMS }, (_, t) => ({
    start: FROM + (t + 1) * DAY,
    end: FROM + (t + 1) * DAY + 3_600_000,
    rrule: null,
    timeZone: 'UTC',
    until: null,
    category: 'deployment' as const,
    scope: { tenantName: TENANT, teamName: `team-${String(t).padStart(2, '0')}`, entityType: null, entityId: null },
  })),
];

function memorySources(n: number): ReportSources {
  const all = Array.from({ length: n }, (_, i) => {
    let timeline: Timeline | null = null;
    for (let k = 0; k <= 30; k++) timeline = appendResult(timeline, resultOf(i, k), STALE_AFTER_MS);
    return { entity: entityOf(i), timeline };
  });
  const w = windows();
  return {
    timelines: async () => all,
    settingsOf: () => ({ timeZone: 'UTC', noDataPolicy: 'exclude' }),
    windows: () => w,
    staleAfterMs: STALE_AFTER_MS,
    policyVersion: () => '1',
    tenants: async () => [TENANT],
  };
}

/** Seeds the entities and their 31 results each into the change log, set-based. */
async function seedLog(schema: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO "${schema}"`);
    await c.query(
      `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
         status_since, observed_at, updated_at, version)
       SELECT i + 1, $1, 'team-' || lpad((i % ${TEAMS})::text, 2, '0'), CASE WHEN i % 3 = 0 THEN 'job' ELSE 'table' END,
              'entity_' || lpad(i::text, 6, '0'), 99, 99.5, 'Passed', now(), now(), now(), 0
         FROM generate_series(0, $2 - 1) i`,
      [TENANT, n],
    );
    await c.query(
      `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, current_sla, status,
         sla_target, status_since, observed_at, received_at, applied, source)
       SELECT row_number() OVER (), e.id, e.tenant_name, e.team_name, e.entity_type, e.entity_name,
              CASE WHEN (e.id - 1 + k) % 10 = 0 THEN 90 ELSE 99.5 END,
              CASE WHEN (e.id - 1 + k) % 10 = 0 THEN 'Failed' ELSE 'Passed' END, 99, now(),
              to_timestamp(($3::bigint - ${DAY} + k::bigint * ${DAY} + ((e.id - 1) % 24)::bigint * 3600000) / 1000.0), now(), true, 'bench'
         FROM sla_entity e CROSS JOIN generate_series(0, 30) k WHERE e.tenant_name = $1 AND e.id <= $2`,
      [TENANT, n, FROM],
    );
    await c.query('ANALYZE sla_entity; ANALYZE sla_change');
  } finally {
    await c.end();
  }
}

async function measure(sources: ReportSources, repeats: number, get?: () => Promise<Report>) {
  const once = async () => {
    const t0 = performance.now();
    const report = get ? await get() : await buildReport(sources, { tenantName: TENANT, period: PERIOD }, NOW);
    const t1 = performance.now();
    const csv = reportCsv(report);
    const t2 = performance.now();
    return { build: t1 - t0, csv: t2 - t1, total: t2 - t0, rows: report.rows.length, bytes: Buffer.byteLength(csv) };
  };
  await once();
  const runs: Awaited<ReturnType<typeof once>>[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await once());
  const median = (k: 'build' | 'csv' | 'total') => {
    const xs = runs.map((r) => r[k]).sort((a, b) => a - b);
    return Math.round(xs[Math.floor(xs.length / 2)] ?? 0);
  };
  const last = runs[runs.length - 1];
  return {
    buildMs: median('build'),
    csvMs: median('csv'),
    totalMs: median('total'),
    rows: last?.rows ?? 0,
    csvBytes: last?.bytes ?? 0,
  };
}

export async function run(opts: { quick?: boolean } = {}) {
  const n = Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 2_000 : 10_000));
  const repeats = opts.quick ? 3 : 7;
  console.log(`# report benchmark, ${n.toLocaleString()} entities × 31 results, ${new Date().toISOString()}`);
  const memory = await measure(memorySources(n), repeats);
  console.log('memory', JSON.stringify(memory));
  const schema = uniqueSchema('bench_report');
  const log = pino({ level: 'silent' });
  const cfg = { databaseUrl: PG_URL, dataDir: '', poolSize: 2, schema };
  const { orm, close } = await openOrm(cfg, log);
  let postgres: Awaited<ReturnType<typeof measure>>;
  let snapshot: Awaited<ReturnType<typeof measure>>;
  try {
    await migrate(orm, cfg, log);
    await seedLog(schema, n);
    const db = sqlRunner(orm);
    const sources = changeLogSources(db, {
      staleAfterMs: STALE_AFTER_MS,
      settings: { timeZone: 'UTC', noDataPolicy: 'exclude' },
    });
    const t = performance.now();
    const read = await sources.timelines({ tenantName: TENANT }, [FROM, Date.parse('2026-12-01T00:00:00Z')]);
    console.log(`change log read: ${Math.round(performance.now() - t)} ms, ${read.length} timelines`);
    postgres = await measure({ ...sources, windows: windows }, repeats);
    console.log('postgres', JSON.stringify(postgres));
    // The closed month: served from its snapshot (what a monthly report is once the period closed).
    const deps = { sources: { ...sources, windows }, sql: db.sql, graceMs: DAY, now: () => NOW };
    await closePeriod(deps, TENANT, PERIOD, NOW);
    snapshot = await measure(deps.sources, repeats, () => getReport(deps, { tenantName: TENANT, period: PERIOD }));
    console.log('snapshot', JSON.stringify(snapshot));
  } finally {
    await close();
    await dropSchema(schema);
  }
  const figures = { entities: n, changes: n * 31, memory, postgres, snapshot };
  const row = (name: string, m: typeof memory) => [
    name,
    m.rows.toLocaleString('en'),
    m.buildMs,
    m.csvMs,
    m.totalMs,
    `${(m.csvBytes / 2 ** 20).toFixed(1)} MB`,
  ];
  const table = mdTable(
    ['report from', 'rows', 'report (ms)', 'entities CSV (ms)', 'total (ms, target ≤ 2,000)', 'CSV size'],
    [
      row('memory (budget book): a provisional month', memory),
      row('PostgreSQL change log: an old month recomputed', postgres),
      row('closed snapshot: a closed month', snapshot),
    ],
  );
  return { ...figures, table };
}

if (isEntry(import.meta.url)) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.table);
}
