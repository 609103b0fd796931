import type { AddressInfo } from 'node:net';
import type pino from 'pino';
import type { Logger } from 'pino';
import { type AppRouter, createAppRouter } from './app-router.js';
import { adminGuard } from './auth/admin.js';
import { readGuard } from './auth/read-guard.js';
import { SessionSigner } from './auth/session.js';
import { type BudgetPolicy, budgetPolicyOf } from './budget/policy.js';
import type { BudgetState } from './budget/state.js';
import { CacheCoordinator } from './cache/coordinator.js';
import { collectRedisMetrics } from './cache/status.js';
import { applyConfigAtStart } from './config-file/service.js';
import { connectDatabase } from './db/connect.js';
import type { Db } from './db/sql.js';
import { demoToken, startDemo } from './demo/demo.js';
import type { HttpDeps } from './http/deps.js';
import { createHttpServer } from './http/server.js';
import { ingestGuard } from './ingest/guard.js';
import { forgetExpiredKeys } from './ingest/idempotency.js';
import { RateLimiter } from './ingest/rate-limit.js';
import { IngestWriter } from './ingest/writer.js';
import type { Config } from './platform/config.js';
import { createLogger, redactUrl } from './platform/log.js';
import { throttleFor } from './platform/log-throttle.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import type { PolicyStore } from './policy/store.js';
import { withBookTimelines } from './reports/book-sources.js';
import { ReportCloser } from './reports/closer.js';
import { reportCsv } from './reports/csv.js';
import { localRunLock, pgRunLock } from './reports/lease.js';
import { auditReports, policyReportSources } from './reports/policy-sources.js';
import type { ReportsDeps } from './reports/service.js';
import { parseTokens } from './trpc/tokens.js';
import { startAlerting } from './wiring/alerts.js';
import { budgetState, hotReadVersion } from './wiring/budgets.js';
import { rulesFileWiring } from './wiring/config-file.js';
import { commitHook } from './wiring/ingest.js';
import { policyStore } from './wiring/policy.js';

/** The services of one pod, for the entry file and for tests that look inside a pod. */
type Services = {
  config: Config;
  log: Logger;
  db: Db;
  cache: CacheCoordinator;
  writer: IngestWriter;
  metrics: Metrics;
  router: AppRouter;
  policy: PolicyStore;
  budgets: BudgetState;
};

export type App = { url: string; close: () => Promise<void>; deps: Services };

export type BootstrapOptions = {
  /** PostgreSQL schema to use (tests isolate themselves with one each). */
  schema?: string;
  logDestination?: pino.DestinationStream;
};

/**
 * The composition root: starts one pod — database (migrated), cache, ingest, HTTP +
 * WebSocket server — wiring each domain with what it uses. Tests boot exactly this; the
 * entry file only adds configuration and signal handling. Throws (after closing whatever
 * it opened) when a dependency cannot be reached or the port is taken.
 */
export async function bootstrap(config: Config, opts: BootstrapOptions = {}): Promise<App> {
  const log = createLogger(config, opts.logDestination);
  const cleanups: (() => Promise<void> | void)[] = [];
  // Set once the HTTP server listens: stops taking work and ends streams at once, before the
  // rest closes (alerting, the report closer), so no client waits on them.
  let beginDrain: (() => void) | null = null;
  const closeAll = async () => {
    beginDrain?.();
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err) => log.error({ err }, 'cleanup failed'));
  };
  // Runs last: summaries of repeated failures still counting are written before the process exits.
  cleanups.push(() => throttleFor(log).flush());
  try {
    const tokens = parseTokens(config.INGEST_TOKENS);
    const demoPollerToken = demoToken();
    if (config.demo && tokens.length > 0)
      tokens.push(...parseTokens(demoPollerToken).map((t) => ({ ...t, label: 'demo-poller' })));
    if (tokens.length === 0) log.warn('INGEST_TOKENS is not set: ingest is open to anyone who can reach this server');
    const dbCfg = {
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
      schema: opts.schema ?? config.DATABASE_SCHEMA,
      podId: config.podId,
    };
    log.info(
      { database: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : `embedded (${config.DATA_DIR})` },
      'opening database',
    );
    // Behind a gate: PostgreSQL unreachable at start is waited for (retried), not fatal —
    // the pod serves from Redis meanwhile and ingest answers 503 (see db/connect.ts).
    const connection = connectDatabase(dbCfg, log, async (opened) => {
      if (config.demo) await import('./demo/seed.js').then((m) => m.seedIfEmpty(opened, log));
    });
    cleanups.push(connection.close);
    // Awaited below, after other start-up work: until then a refusal (the embedded data directory
    // held by another process) must not count as unhandled, which would end the process before
    // the fatal log line names the holder.
    connection.opened.catch(() => undefined);
    const db = connection.gate;
    const metrics = createMetrics();
    // Built after the cache (it follows the cache's feed); a refresh the cache ran checkpoints it.
    let budgets: BudgetState | null = null;
    const cache = new CacheCoordinator({
      config,
      db,
      log,
      metrics,
      databaseOpened: connection.opened,
      databaseFirstAttempt: connection.firstAttempt,
      databaseAvailable: () => db.available,
      databaseMisconfigured: () => db.misconfigured,
      schema: dbCfg.schema,
      onRefreshed: () => void budgets?.writeCheckpoint(),
    });
    cleanups.push(() => cache.close());
    const policy = policyStore(config, db, cache, log);
    cleanups.push(() => policy.close());
    const policyDeps = { db, view: cache.view, store: policy, loaded: () => cache.isInitialized };
    // Tenant settings and maintenance windows, as budgets read them (kept current by the store).
    const budgetPolicy: BudgetPolicy = budgetPolicyOf(policy);
    budgets = budgetState(config, { db, log, metrics, cache }, budgetPolicy);
    cleanups.push(() => budgets?.close());
    let draining = false;
    // Readiness waits for start-up's last step too (policy, alerting, the report closer), not only the cache.
    let started = false;
    const idempotencyTtlMs = config.INGEST_IDEMPOTENCY_TTL_HOURS * 3_600_000;
    const writer = new IngestWriter(db, commitHook(config, cache), log, idempotencyTtlMs);
    cleanups.push(forgetExpiredKeys(db, idempotencyTtlMs, log));
    const sessions = new SessionSigner(config.SESSION_SECRET, config.NODE_ENV === 'production');
    const reportSources = policyReportSources(db, policy, config.STALE_AFTER_MINUTES * 60_000);
    const reports: ReportsDeps = {
      sources: reportSources,
      provisionalSources: withBookTimelines(reportSources, cache.view, budgets),
      sql: db.sql,
      graceMs: config.REPORT_GRACE_HOURS * 3_600_000,
    };
    const { alertWrites, rulesFile } = await rulesFileWiring(config, {
      db,
      policy,
      log,
      schema: dbCfg.schema,
      view: cache.view,
      loaded: () => cache.isInitialized,
    });
    const router = createAppRouter({
      cache: { status: () => cache.status(), refresh: (trigger) => cache.refresh(trigger) },
      ingest: {
        writer,
        metrics,
        draining: () => draining,
        staleAfterMinutes: config.STALE_AFTER_MINUTES,
        maxFutureSkewSeconds: config.INGEST_MAX_FUTURE_SKEW_SECONDS,
      },
      live: {
        feed: cache.feed,
        follower: cache.follower,
        epoch: () => cache.identity.epoch,
        whenLoaded: () => cache.whenLoaded(),
        sql: db.sql,
        metrics,
        tail: () => cache.readableTail(),
      },
      readModel: {
        view: cache.view,
        sql: db.sql,
        metrics,
        staleAfterMinutes: config.STALE_AFTER_MINUTES,
        loaded: () => cache.isInitialized,
      },
      auth: { readToken: config.READ_TOKEN, sessions, tokens },
      audit: { sql: db.sql },
      reports,
      policy: policyDeps,
      alerts: { db, view: cache.view, loaded: () => cache.isInitialized, ...alertWrites },
      configFile: rulesFile,
      budgets: {
        book: budgets.book,
        view: cache.view,
        policy: () => budgetPolicy,
        staleAfterMs: config.STALE_AFTER_MINUTES * 60_000,
        assertLoaded: () => budgets?.assertLoaded(),
      },
    });
    const http: HttpDeps = {
      config,
      log,
      metrics,
      router,
      guards: {
        read: readGuard(config.READ_TOKEN, { tokens, sessions }),
        admin: adminGuard({ tokens, sessions }),
        ingest: ingestGuard({
          tokens,
          limiter: new RateLimiter(config.INGEST_RATE_LIMIT),
          metrics,
          ratePerSecond: config.INGEST_RATE_LIMIT,
        }),
      },
      health: {
        podId: config.podId,
        draining: () => draining,
        starting: () => !started,
        pingDatabase: () => db.sql('SELECT 1'),
        cache: () => ({
          redisConfigured: cache.redis !== null,
          mode: cache.mode,
          initialized: cache.isInitialized,
          waiting: cache.waitingForData,
          misconfigured: cache.databaseMisconfigured,
          entities: cache.view.size,
          lastChangeId: cache.follower.applied,
        }),
      },
      readVersion: hotReadVersion(cache, cache.databaseAvailable, budgets.book, () => budgetPolicy.version),
      collectMetrics: () => collectRedisMetrics(cache.redis, metrics),
      reportCsv,
    };
    const { server, startDrain, close: closeHttp } = createHttpServer(http);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    log.info({ url }, 'listening (ready once the cache is loaded)');
    // Order matters: stop taking work and end streams (readiness 503, SSE cut, WebSocket
    // clients told to reconnect, keep-alive sockets closed after their response) first of all,
    // let queued ingest finish, then close what is left, cutting it short of the deadline.
    beginDrain = () => {
      if (draining) return;
      draining = true;
      startDrain();
    };
    cleanups.push(async () => {
      beginDrain?.();
      await writer.idle();
      await closeHttp(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 1_000));
    });
    // The embedded database is in-process: failing to open it (its directory held by another process) is fatal.
    if (!config.DATABASE_URL) await connection.opened;
    await cache.start();
    await policy.start();
    // After the policy store: a window's default zone is its tenant's. A bad file is logged, the pod serves on.
    await applyConfigAtStart(rulesFile);
    // Not awaited: budgets answer 503 until loaded, the rest of the pod serves meanwhile.
    void budgets.start();
    cleanups.push(await startAlerting({ config, db, log, metrics, cache, budgets, policy }));
    if (config.demo) cleanups.push(startDemo(url, demoPollerToken, config, cache.view, log));
    const closer = new ReportCloser({
      ...reports,
      lock: config.DATABASE_URL ? pgRunLock(config.DATABASE_URL, dbCfg.schema) : localRunLock(),
      log,
      audit: auditReports(db.sql),
    });
    cleanups.push(closer.start(config.REPORT_CLOSE_INTERVAL_SECONDS * 1_000));
    started = true;
    log.info({ url, mode: cache.mode }, 'ready');
    let closing: Promise<void> | null = null;
    const deps: Services = { config, log, db, cache, writer, metrics, router, policy, budgets };
    return { url, deps, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
