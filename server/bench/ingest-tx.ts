/**
 * The group-commit transaction alone, in process: batches of BATCH distinct updates (10,000
 * entities, so after the first round every update overwrites a stored entity) written by
 * `writeSubmissions` under `verifiedTx` on one pooled connection, as the pod's writer does.
 * Reports per transaction the wall time, the CPU time of its PostgreSQL backend (from
 * /proc, so PostgreSQL must run on this machine) and of this process, and each statement's
 * wall time. CPU time is what the transaction costs whoever else shares the machine; wall
 * time is its ceiling there and then (entities/s = BATCH / wall).
 * Run: cd server && npx tsx bench/ingest-tx.ts   (BATCH=1000 ROUNDS=40)
 */
import { readFileSync } from 'node:fs';
import type { Status } from '@sla/shared';
import pino from 'pino';
import { verifiedTx } from '../src/db/commit-outcome.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { type Sql, sqlRunner } from '../src/db/sql.js';
import { writeSubmissions } from '../src/ingest/transaction.js';
import { dropSchema, PG_URL, uniqueSchema } from '../test/support/app.js';
import { fmt } from './ingest-load.js';

const BATCH = Number(process.env.BATCH ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 40);
const WARM = 10;
const STATUSES: Status[] = ['Passed', 'Failed', 'AtRisk', 'NoData'];

const cpuMs = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

const schema = uniqueSchema('bench_ingest_tx');
const log = pino({ level: 'warn' });
const cfg = { databaseUrl: PG_URL, dataDir: '', poolSize: 1, schema };
const { orm, close } = await openOrm(cfg, log);
try {
  await migrate(orm, cfg, log);
  const db = sqlRunner(orm);
  const [backend] = await db.sql<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = Number(backend?.pid);
  const statements = new Map<string, number[]>();
  const timed =
    (sql: Sql): Sql =>
    async <T>(q: string, p?: unknown[]) => {
      const t = performance.now();
      const rows = await sql<T>(q, p);
      const key = q.replace(/\s+/g, ' ').trim().slice(0, 48);
      statements.set(key, [...(statements.get(key) ?? []), performance.now() - t]);
      return rows;
    };
  const update = (i: number, round: number) => ({
    update: {
      tenantName: `tenant_${i % 10}`,
      teamName: `team_${i % 50}`,
      entityType: 'table',
      entityName: `bench_${i % 10_000}`,
      currentSla: ((i * 7919 + round) % 10_000) / 100,
      status: STATUSES[(i + round) % 4] as Status,
    },
    source: 'bench',
  });
  const wall: number[] = [];
  let pg0 = 0;
  let own0 = 0;
  for (let k = 0; k < WARM + ROUNDS; k++) {
    if (k === WARM) {
      statements.clear();
      pg0 = cpuMs(pid);
      own0 = ownCpuMs();
    }
    const from = (k % 10) * BATCH;
    const units = [{ updates: Array.from({ length: BATCH }, (_, j) => update(from + j, k)), claim: null }];
    const t = performance.now();
    await verifiedTx(db, (sql, tx) => writeSubmissions(timed(sql), tx, units, Date.now, 3_600_000));
    if (k >= WARM) wall.push(performance.now() - t);
  }
  const pgPerTx = (cpuMs(pid) - pg0) / ROUNDS;
  const ownPerTx = (ownCpuMs() - own0) / ROUNDS;
  console.log(
    `${BATCH} updates per transaction, ${ROUNDS} transactions: wall median ${fmt(median(wall), 1)} ms (${fmt((BATCH * 1000) / median(wall))} entities/s); CPU per transaction: PostgreSQL backend ${fmt(pgPerTx, 1)} ms, this process ${fmt(ownPerTx, 1)} ms (includes building the updates)`,
  );
  for (const [q, ms] of statements) console.log(`  ${fmt(median(ms), 1).padStart(7)} ms  ${q}`);
} finally {
  await close();
  await dropSchema(schema);
}
