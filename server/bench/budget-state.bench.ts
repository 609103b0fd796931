import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CheckpointStore } from '../src/budget/checkpoint.js';
import { timelinesFromLog } from '../src/budget/pg-timelines.js';
import { copyOutOn } from '../src/db/copy-out.js';
import type { Timeline } from '../src/domain/budget/types.js';
import { dropSchema, PG_URL, spawnPod, uniqueSchema } from '../test/support/app.js';
import { uniquePrefix } from '../test/support/ids.js';
import { migratedSchema } from '../test/support/seed.js';
import type { StoredAnswer } from './bare-server.js';
import { NODE_ADDS, startBare } from './bare-start.js';
import { isEntry, mdTable } from './util.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAYS = 30;
const STALE_MINUTES = 1_500;
const DAY_MS = 86_400_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** 30 days of one result a day per entity (3 % Failed, a few below target), ids in commit (time) order. */
async function seed(client: pg.Client, entities: number): Promise<number> {
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, current_sla, status,
                             sla_target, status_since, observed_at, received_at, applied, source)
     SELECT (d * $1 + e)::bigint, e, 'tenant-' || (e % 10), 'team-' || ((e / 10) % 20), 'table', 'entity_' || e,
            CASE WHEN h < 30 THEN 80 WHEN h < 60 THEN 98.5 ELSE 99.5 END,
            CASE WHEN h < 30 THEN 'Failed' ELSE 'Passed' END, 99, at, at, at, true, 'bench'
       FROM (SELECT d, e, abs(hashint4(d * 7919 + e)) % 1000 AS h,
                    now() - interval '${DAYS} days' + d * interval '1 day' + (e * (86400000 / $1)) * interval '1 ms' AS at
               FROM generate_series(0, ${DAYS - 1}) d, generate_series(1, $1::int) e) s`,
    [entities],
  );
  await client.query(
    `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                             status_since, observed_at, updated_at, version)
     SELECT DISTINCT ON (entity_id) entity_id, tenant_name, team_name, entity_type, entity_name, sla_target,
            current_sla, status, status_since, observed_at, received_at, id
       FROM sla_change ORDER BY entity_id, id DESC`,
  );
  await client.query(`SELECT setval(pg_get_serial_sequence('sla_entity', 'id'), (SELECT max(id) FROM sla_entity))`);
  await client.query('COMMIT');
  await client.query('ANALYZE sla_change');
  await client.query('ANALYZE sla_entity');
  return Number((await client.query('SELECT count(*) AS n FROM sla_change')).rows[0].n);
}

const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
};

/** req/s (mean) of `seconds` of GETs on `url` with 20 connections. */
async function load(url: string, seconds: number, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: 20, duration: seconds, headers, pipelining: 1 });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

/** Starts a pod on the schema and returns it with the seconds until budgets answered. */
async function podWithBudgets(env: Record<string, string>) {
  const t0 = Date.now();
  const pod = await spawnPod(env, 600_000, { bundle: true });
  for (;;) {
    const res = await fetch(`${pod.url}/api/budgets/overview`);
    await res.arrayBuffer();
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pod, seconds: (Date.now() - t0) / 1000 };
}

export async function run(opts: { quick?: boolean } = {}) {
  const entities = Number(process.env.BENCH_ENTITIES ?? (opts.quick ? 5_000 : 100_000));
  const seconds = opts.quick ? 1 : 5;
  const schema = uniqueSchema('bench_budget');
  const prefix = uniquePrefix('bench_budget');
  const pgPrefix = uniquePrefix('bench_budget_pg');
  const dir = mkdtempSync(join(tmpdir(), 'bench-budget-'));
  const client = new pg.Client({ connectionString: PG_URL });
  const redis = new Redis(REDIS_URL);
  const pods: { kill: (s?: NodeJS.Signals) => void; exited: Promise<unknown> }[] = [];
  try {
    await migratedSchema(schema);
    await client.connect();
    await client.query(`SET search_path TO "${schema}"`);
    let t = Date.now();
    const changes = await seed(client, entities);
    const seedSeconds = (Date.now() - t) / 1000;
    console.log(`seeded ${entities} entities, ${changes} changes in ${seedSeconds} s`);
    const epoch = (await client.query('SELECT epoch FROM sla_log_epoch')).rows[0].epoch as string;
    const head = Number((await client.query('SELECT max(id) AS h FROM sla_change')).rows[0].h);

    // 1. The book from PostgreSQL, in this process; beside it the floor: the same change-log rows
    // streamed with COPY in commit order and thrown away (what reading alone costs on this machine now).
    t = Date.now();
    await copyOutOn(client)(
      `SELECT entity_id, (date_part('epoch', observed_at) * 1000)::int8, status, current_sla, sla_target
         FROM sla_change WHERE applied ORDER BY id`,
      [],
      () => undefined,
    );
    const rawReadSeconds = (Date.now() - t) / 1000;
    const before = memory();
    t = Date.now();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let book: Map<number, Timeline> | null = await timelinesFromLog(
      copyOutOn(client),
      {},
      { from: Date.now() - 94 * DAY_MS, to: Date.UTC(9999, 11, 31) },
      { staleAfterMs: STALE_MINUTES * 60_000 },
    );
    await client.query('COMMIT');
    const pgSeconds = (Date.now() - t) / 1000;
    const after = memory();
    const segments = [...book.values()].reduce((n, x) => n + x.segments.length, 0);

    // 2. The checkpoint: written, then read back.
    const store = new CheckpointStore(redis, prefix);
    t = Date.now();
    const meta = await store.write(book.entries(), { epoch, watermark: head, podId: 'bench' });
    const writeSeconds = (Date.now() - t) / 1000;
    book = null;
    t = Date.now();
    const read = await store.read(epoch);
    const readSeconds = (Date.now() - t) / 1000;
    if (read?.timelines.size !== entities) throw new Error(`checkpoint read ${read?.timelines.size} timelines`);

    // 3. Pods: start from the checkpoint, and from PostgreSQL (a prefix without one); then rollups under load.
    const env = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      LOG_LEVEL: 'warn',
      STALE_AFTER_MINUTES: String(STALE_MINUTES),
    };
    const fromPg = await podWithBudgets({ ...env, REDIS_KEY_PREFIX: pgPrefix });
    fromPg.pod.kill('SIGTERM');
    await fromPg.pod.exited;
    const fromCheckpoint = await podWithBudgets({ ...env, REDIS_KEY_PREFIX: prefix });
    pods.push(fromCheckpoint.pod);
    const url = fromCheckpoint.pod.url;
    const routes = ['/api/budgets/overview', '/api/budgets/tenant?tenantName=tenant-0'];
    const answers: Record<string, { identity: StoredAnswer }> = {};
    for (const r of routes) {
      // Uncompressed, as autocannon asks; the bare server replays the body and the header fields.
      const res = await fetch(`${url}${r}`, { headers: { 'accept-encoding': 'identity' } });
      if (res.status !== 200) throw new Error(`${r}: ${res.status}`);
      const headers: string[] = [];
      res.headers.forEach((value, name) => {
        if (!NODE_ADDS.has(name)) headers.push(name, value);
      });
      answers[r] = { identity: { body: Buffer.from(await res.arrayBuffer()).toString('base64'), headers } };
    }
    const bare = await startBare(answers, dir);
    const rows: { route: string; bytes: number; podRps: number; bareRps: number; podP99Ms: number; errors: number }[] =
      [];
    try {
      for (const r of routes) {
        const p = await load(`${url}${r}`, seconds);
        const b = await load(`${bare.url}${r}`, seconds);
        rows.push({
          route: r,
          bytes: Buffer.from((answers[r] as { identity: StoredAnswer }).identity.body, 'base64').length,
          podRps: p.rps,
          bareRps: b.rps,
          podP99Ms: p.p99,
          errors: p.errors,
        });
      }
    } finally {
      bare.close();
    }
    const result = {
      entities,
      changes,
      segments,
      seedSeconds,
      loadFromPostgresSeconds: pgSeconds,
      rawReadSeconds,
      checkpointWriteSeconds: writeSeconds,
      checkpointReadSeconds: readSeconds,
      checkpointBytes: meta.bytes,
      checkpointChunks: meta.chunks,
      heapBytesPerEntity: Math.round((after.heap - before.heap) / entities),
      rssBytesPerEntity: Math.round((after.rss - before.rss) / entities),
      podReadySecondsFromPostgres: fromPg.seconds,
      podReadySecondsFromCheckpoint: fromCheckpoint.seconds,
      rollups: rows,
    };
    console.log(JSON.stringify(result, null, 2));
    return { ...result, table: table(result, rows) };
  } finally {
    for (const p of pods) {
      p.kill('SIGTERM');
      await p.exited;
    }
    await client.end().catch(() => undefined);
    for (const p of [prefix, pgPrefix]) {
      const keys = await redis.keys(`${p.replace(/[*?[\]]/g, '\\$&')}*`);
      if (keys.length) await redis.unlink(...keys);
    }
    redis.disconnect();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(
  r: Record<string, unknown>,
  rows: { route: string; bytes: number; podRps: number; bareRps: number; podP99Ms: number }[],
): string {
  const f = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));
  return [
    mdTable(
      [
        'entities',
        'changes',
        'segments',
        'from PostgreSQL s',
        'raw read of the log s (baseline)',
        'checkpoint write s',
        'checkpoint read s',
        'checkpoint MB',
        'heap B/entity',
        'RSS B/entity',
        'pod ready (PostgreSQL) s',
        'pod ready (checkpoint) s',
      ],
      [
        [
          f(r.entities),
          f(r.changes),
          f(r.segments),
          f(r.loadFromPostgresSeconds),
          f(r.rawReadSeconds),
          f(r.checkpointWriteSeconds),
          f(r.checkpointReadSeconds),
          ((r.checkpointBytes as number) / 2 ** 20).toFixed(1),
          f(r.heapBytesPerEntity),
          f(r.rssBytesPerEntity),
          f(r.podReadySecondsFromPostgres),
          f(r.podReadySecondsFromCheckpoint),
        ],
      ],
    ),
    '',
    mdTable(
      ['route', 'bytes', 'pod req/s', 'bare req/s', 'ratio', 'pod p99 ms'],
      rows.map((x) => [
        x.route,
        f(x.bytes),
        f(x.podRps),
        f(x.bareRps),
        (x.podRps / x.bareRps).toFixed(2),
        f(x.podP99Ms),
      ]),
    ),
  ].join('\n');
}

if (isEntry(import.meta.url)) await run({ quick: process.argv.includes('--quick') });
