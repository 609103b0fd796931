import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { SlaChange, SlaEntity, SlaIdempotency } from './entities.js';
import { migrationsList } from './migrations/index.js';

export type DbConfig = {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize: number;
  /** Schema to use on PostgreSQL (tests isolate themselves with one each). */
  schema?: string | undefined;
};

/** An arbitrary constant: the advisory lock that serialises migrations across pods. */
const MIGRATION_LOCK = 7_231_001;

/**
 * Bounds on waiting for PostgreSQL, so that when it is unreachable ingest answers 503
 * within a few seconds instead of hanging: opening a connection, waiting for a free one,
 * and silence on a connection while a query is outstanding (a vanished host or a
 * black-holed network never closes the socket; this closes it, failing its queries).
 */
const CONNECT_TIMEOUT_MS = 2_000;
const ACQUIRE_TIMEOUT_MS = 3_000;
const SILENT_QUERY_MS = 2_000;

/** Per database: the pool's connections, and whether the silence watchdog is on (off while migrations run long DDL). */
type Guard = { enabled: boolean; clients: Set<RawClient> };
const watchdogs = new WeakMap<Orm, Guard>();

type RawClient = { readyForQuery: boolean; connection: { stream: Socket } };

function watchSilence(client: RawClient, guard: Guard): void {
  const socket = client.connection.stream;
  guard.clients.add(client);
  socket.once('close', () => guard.clients.delete(client));
  socket.setTimeout(SILENT_QUERY_MS);
  socket.on('timeout', () => {
    if (!guard.enabled || client.readyForQuery) return;
    socket.destroy(
      new Error(`Connection terminated: PostgreSQL sent nothing for ${SILENT_QUERY_MS} ms during a query`),
    );
    // The idle connections most likely lead nowhere too: close them now rather than have each next query find out.
    for (const other of guard.clients) if (other.readyForQuery) other.connection.stream.destroy();
  });
}

function baseOptions(): Partial<Options> {
  return {
    entities: [SlaEntity, SlaChange, SlaIdempotency],
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    debug: false,
  };
}

export type Orm = MikroORM;

/** Opens the database (PostgreSQL, or embedded PGlite when no URL is set). */
export async function openOrm(cfg: DbConfig, log: Logger): Promise<{ orm: Orm; close: () => Promise<void> }> {
  if (cfg.databaseUrl) {
    if (cfg.schema) await ensureSchema(cfg.databaseUrl, cfg.schema);
    const guard: Guard = { enabled: true, clients: new Set() };
    const orm = await MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: cfg.databaseUrl,
      schema: cfg.schema,
      pool: {
        min: 1,
        max: cfg.poolSize,
        afterCreate: (client: RawClient, done: (err: Error | null, client: RawClient) => void) => {
          watchSilence(client, guard);
          done(null, client);
        },
      },
      driverOptions: {
        acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
        connection: {
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          ...(cfg.schema ? { options: `-c search_path=${cfg.schema}` } : {}),
        },
      },
    } as Options);
    watchdogs.set(orm, guard);
    return { orm, close: () => orm.close(true) };
  }
  mkdirSync(cfg.dataDir, { recursive: true });
  // Loaded only for the embedded database: the WASM build costs about 40 MB of memory per pod.
  const [{ PGlite }, { PGliteDriver }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('mikro-orm-pglite'),
  ]);
  const started = Date.now();
  const pglite = await PGlite.create(`${cfg.dataDir}/pgdata`);
  log.info({ dataDir: cfg.dataDir, ms: Date.now() - started }, 'embedded database opened');
  const orm = await MikroORM.init({
    ...baseOptions(),
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } },
  } as unknown as Options);
  return {
    orm,
    close: async () => {
      await orm.close(true);
      await pglite.close();
    },
  };
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
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
  const client = new pg.Client({ connectionString: cfg.databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await run();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
