import type { AddressInfo } from 'node:net';
import type pino from 'pino';
import type { AppDeps } from './app-deps.js';
import { SessionSigner } from './auth/session.js';
import { CacheService } from './cache/coordinator.js';
import { migrate, openOrm } from './db/orm.js';
import { sqlRunner } from './db/sql.js';
import { demoToken, startDemo } from './demo/demo.js';
import { createHttpServer } from './http/server.js';
import { RateLimiter } from './ingest/rate-limit.js';
import { parseIngestTokens } from './ingest/tokens.js';
import { IngestWriter } from './ingest/writer.js';
import type { Config } from './platform/config.js';
import { createLogger, redactUrl } from './platform/log.js';
import { createMetrics } from './platform/metrics.js';

export type App = { url: string; close: () => Promise<void>; deps: AppDeps };

export type BootstrapOptions = {
  /** PostgreSQL schema to use (tests isolate themselves with one each). */
  schema?: string;
  logDestination?: pino.DestinationStream;
};

/**
 * Starts one pod: database (migrated), cache, ingest, HTTP + WebSocket server. Tests boot
 * exactly this; the entry file only adds configuration and signal handling.
 */
export async function bootstrap(config: Config, opts: BootstrapOptions = {}): Promise<App> {
  const log = createLogger(config, opts.logDestination);
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err) => log.error({ err }, 'cleanup failed'));
  };
  try {
    const tokens = parseIngestTokens(config.INGEST_TOKENS);
    const demoPollerToken = demoToken();
    if (config.demo && tokens.length > 0)
      tokens.push(...parseIngestTokens(demoPollerToken).map((t) => ({ ...t, label: 'demo-poller' })));
    if (tokens.length === 0) log.warn('INGEST_TOKENS is not set: ingest is open to anyone who can reach this server');
    const dbCfg = {
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
      schema: opts.schema ?? config.DATABASE_SCHEMA,
    };
    log.info(
      { database: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : `embedded (${config.DATA_DIR})` },
      'opening database',
    );
    const { orm, close: closeOrm } = await openOrm(dbCfg, log);
    cleanups.push(closeOrm);
    await migrate(orm, dbCfg, log);
    const db = sqlRunner(orm);
    const metrics = createMetrics();
    const cache = new CacheService({ config, db, log, metrics });
    cleanups.push(() => cache.close());
    let draining = false;
    const writer = new IngestWriter(db.tx, (run) => cache.onCommitted(run), log);
    const deps: AppDeps = {
      config,
      log,
      db,
      cache,
      writer,
      metrics,
      tokens,
      limiter: new RateLimiter(config.INGEST_RATE_LIMIT),
      sessions: new SessionSigner(config.SESSION_SECRET, config.NODE_ENV === 'production'),
      draining: () => draining,
    };
    if (config.demo) await import('./demo/seed.js').then((m) => m.seedIfEmpty(db, log));
    await cache.start();
    const { server, wss, broadcastReconnect } = createHttpServer(deps);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    cleanups.push(async () => {
      // Order matters: stop taking work, tell WebSocket clients to reconnect elsewhere, let requests finish.
      draining = true;
      broadcastReconnect();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await writer.idle();
      for (const ws of wss.clients) ws.close(1012, 'server restarting');
      const deadline = setTimeout(() => server.closeAllConnections(), Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 1_000));
      await closed;
      clearTimeout(deadline);
      wss.close();
    });
    if (config.demo) cleanups.push(startDemo(url, demoPollerToken, config, cache.view, log));
    log.info({ url, mode: cache.mode }, 'listening');
    let closing: Promise<void> | null = null;
    return { url, deps, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
