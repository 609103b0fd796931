import { mkdirSync } from 'node:fs';
import { Migrator } from '@mikro-orm/migrations';
import { type Knex, MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { lockDataDir } from './data-dir-lock.js';
import { driverLogs, stripSqlFromError } from './driver-logs.js';
import {
  SlaAlert,
  SlaAlertChannel,
  SlaAlertDelivery,
  SlaAlertOutbox,
  SlaAlertRule,
  SlaAlertSilence,
  SlaAudit,
  SlaChange,
  SlaConfigObject,
  SlaConfigTarget,
  SlaEntity,
  SlaIdempotency,
  SlaLease,
  SlaLogEpoch,
  SlaMaintenanceWindow,
  SlaPodHeartbeat,
  SlaReportSnapshot,
  SlaTenantSettings,
} from './entities.js';
import { MIGRATION_LOCK } from './migration-lock.js';
import { migrationsList } from './migrations/index.js';
import { probeBackend, type RawClient, SilenceWatchdog } from './watchdog.js';

export type DbConfig = {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize: number;
  /** Schema to use on PostgreSQL (tests isolate themselves with one each). */
  schema?: string | undefined;
  /** Named in the embedded data directory's lock file. */
  podId?: string | undefined;
};

/**
 * Bounds on waiting for PostgreSQL, so that when it is unreachable requests answer 503
 * within a few seconds instead of hanging: opening a connection and waiting for a free
 * one. Silence during a query is the watchdog's (watchdog.ts).
 */
const CONNECT_TIMEOUT_MS = 2_000;
const ACQUIRE_TIMEOUT_MS = 3_000;

const watchdogs = new WeakMap<Orm, SilenceWatchdog>();

type DriverLogs = ReturnType<typeof driverLogs>;

function baseOptions(logs: DriverLogs): Partial<Options> {
  return {
    entities: [
      SlaEntity,
      SlaChange,
      SlaLogEpoch,
      SlaIdempotency,
      SlaPodHeartbeat,
      SlaAudit,
      SlaTenantSettings,
      SlaMaintenanceWindow,
      SlaReportSnapshot,
      SlaAlert,
      SlaAlertOutbox,
      SlaAlertDelivery,
      SlaLease,
      SlaAlertRule,
      SlaAlertChannel,
      SlaAlertSilence,
      SlaConfigObject,
      SlaConfigTarget,
    ],
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    discovery: { warnWhenNoEntities: false },
    // Never create a missing database: a mistyped DATABASE_URL must be refused (db/connect.ts
    // keeps the pod not ready), not become an empty database with a log of its own.
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    logger: logs.mikroOrm,
  };
}

/** knex options shared by both databases: its log lines as JSON, no SQL text in errors (see driver-logs.ts). */
const knexOptions = (logs: DriverLogs) => ({ log: logs.knex, compileSqlOnError: false });

function quietErrors(orm: MikroORM): void {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
  knex.client.on('query-error', stripSqlFromError);
}

export type Orm = MikroORM;

/**
 * Opens the database: PostgreSQL, or embedded PGlite in `dataDir` when no URL is set.
 * @throws DataDirInUse when another live process has the embedded data directory open.
 */
export async function openOrm(cfg: DbConfig, log: Logger): Promise<{ orm: Orm; close: () => Promise<void> }> {
  const logs = driverLogs(log);
  if (cfg.databaseUrl) {
    const url = cfg.databaseUrl;
    if (cfg.schema) await ensureSchema(url, cfg.schema);
    const watchdog = new SilenceWatchdog((pid) => probeBackend(url, pid));
    const orm = await MikroORM.init({
      ...baseOptions(logs),
      driver: PostgreSqlDriver,
      clientUrl: cfg.databaseUrl,
      schema: cfg.schema,
      pool: {
        min: 1,
        max: cfg.poolSize,
        afterCreate: (client: RawClient, done: (err: Error | null, client: RawClient) => void) => {
          watchdog.watch(client);
          done(null, client);
        },
      },
      driverOptions: {
        ...knexOptions(logs),
        acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
        connection: {
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          ...(cfg.schema ? { options: `-c search_path=${cfg.schema}` } : {}),
        },
      },
    } as Options);
    watchdogs.set(orm, watchdog);
    quietErrors(orm);
    return { orm, close: () => orm.close(true) };
  }
  mkdirSync(cfg.dataDir, { recursive: true });
  // PGlite has no lock of its own: a second process on the same files would run beside the first and lose writes.
  const lock = await lockDataDir(cfg.dataDir, cfg.podId ?? `pid-${process.pid}`);
  try {
    // Loaded only for the embedded database: the WASM build costs about 40 MB of memory per pod.
    const [{ PGlite }, { PGliteDriver }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('mikro-orm-pglite'),
    ]);
    const started = Date.now();
    const pglite = await PGlite.create(`${cfg.dataDir}/pgdata`);
    log.info({ dataDir: cfg.dataDir, ms: Date.now() - started }, 'embedded database opened');
    const orm = await MikroORM.init({
      ...baseOptions(logs),
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { ...knexOptions(logs), connection: { pglite: () => pglite } },
    } as unknown as Options);
    quietErrors(orm);
    return {
      orm,
      close: async () => {
        try {
          await orm.close(true);
          await pglite.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** A connection of its own (schema creation, the migration lock), bounded like the pool's. */
const sideClient = (url: string, queryTimeoutMs: number) =>
  new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: queryTimeoutMs });

/** Migrations of another pod may hold the lock this long before this pod gives up and retries. */
const MIGRATION_WAIT_MS = 120_000;

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = sideClient(url, 10_000);
  client.on('error', () => undefined); // the query in flight rejects with it
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '')}"`);
  } catch (err) {
    // Pods starting together race on IF NOT EXISTS: the loser sees a unique violation, and the schema exists.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/** True when every migration of `migrationsList` is recorded as executed in `schema`. */
async function allApplied(client: pg.Client, schema: string | undefined): Promise<boolean> {
  const table = schema ? `"${schema.replaceAll('"', '')}".mikro_orm_migrations` : 'mikro_orm_migrations';
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${table}`);
    const done = new Set(rows.map((r) => r.name));
    return migrationsList.every((m) => done.has(m.name));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return false; // no table yet: a first start
    throw err;
  }
}

/**
 * Applies pending migrations. On PostgreSQL several pods may start at once, so the run
 * holds a session advisory lock on a dedicated connection: the first pod migrates, the
 * others wait and then find nothing pending.
 */
export async function migrate(orm: Orm, cfg: DbConfig, log: Logger): Promise<void> {
  const run = async () => {
    const guard = watchdogs.get(orm);
    if (guard) guard.enabled = false;
    try {
      const done = await orm.getMigrator().up();
      if (done.length > 0) log.info({ migrations: done.map((m) => m.name) }, 'migrations applied');
    } finally {
      if (guard) guard.enabled = true;
    }
  };
  if (!cfg.databaseUrl) return run();
  const client = sideClient(cfg.databaseUrl, MIGRATION_WAIT_MS);
  client.on('error', () => undefined); // the query in flight rejects with it
  await client.connect();
  try {
    // Nothing pending (every start but the first after an upgrade): skip the migrator, whose
    // catalog queries would cost more than everything else a pod reads at start from Redis.
    if (await allApplied(client, cfg.schema)) return;
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await run();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
