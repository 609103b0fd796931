import type { CacheStatus, RefreshResult } from '@sla/shared';
import type { AlertApiDeps } from './alerts/api-deps.js';
import { alertsRouter } from './alerts/router.js';
import { auditRouter } from './audit/router.js';
import { authRouter } from './auth/router.js';
import type { SessionSigner } from './auth/session.js';
import type { BudgetReadDeps } from './budget/queries.js';
import { budgetsRouter } from './budget/router.js';
import { cacheRouter } from './cache/router.js';
import { configFileRouter } from './config-file/router.js';
import type { ConfigFileDeps } from './config-file/service.js';
import type { Sql } from './db/sql.js';
import type { IngestDeps } from './ingest/ingest.js';
import { ingestRouter } from './ingest/router.js';
import type { LiveDeps } from './live/deps.js';
import { liveRouter } from './live/router.js';
import { settingsRouter, windowsRouter } from './policy/router.js';
import type { WindowDeps } from './policy/windows.js';
import { entitiesRouter, type ReadModelDeps } from './readmodel/router.js';
import { reportsRouter } from './reports/router.js';
import type { ReportsDeps } from './reports/service.js';
import type { TokenEntry } from './trpc/tokens.js';
import { mergeRouters, router } from './trpc/trpc.js';

/** What the domain routers are built from (each takes only its part). */
export type RouterDeps = {
  cache: { status: () => Promise<CacheStatus>; refresh: (trigger: string) => Promise<RefreshResult> };
  ingest: IngestDeps;
  live: LiveDeps;
  readModel: ReadModelDeps;
  auth: { readToken: string | undefined; sessions: SessionSigner; tokens: readonly TokenEntry[] };
  audit: { sql: Sql };
  reports: ReportsDeps;
  budgets: BudgetReadDeps;
  /** Windows and tenant settings (policy/): the PolicyStore, the view for scopes, the database for writes. */
  policy: WindowDeps;
  /** Alerting's API (alerts/): the database, the view for scopes, channel sending and the secret box. */
  alerts: AlertApiDeps;
  /** The rules file (config-file/): reload and export. */
  configFile: ConfigFileDeps;
};

/**
 * The root router: the domain routers merged under the keys clients know. `cache.*` joins
 * three domains (cache status/refresh, ingest, live) so no tRPC or REST path changed.
 */
export function createAppRouter(d: RouterDeps) {
  return router({
    cache: mergeRouters(cacheRouter(d.cache), ingestRouter(d.ingest), liveRouter(d.live)),
    entities: entitiesRouter(d.readModel),
    auth: authRouter(d.auth),
    audit: auditRouter(d.audit),
    reports: reportsRouter(d.reports),
    windows: windowsRouter(d.policy),
    alerts: alertsRouter(d.alerts),
    configFile: configFileRouter(d.configFile),
    // The budget reads (budget/) and the tenant settings (policy/) under one key.
    budgets: mergeRouters(budgetsRouter({ ...d.budgets, metrics: d.readModel.metrics }), settingsRouter(d.policy)),
  });
}

/** The router's type is all the web app imports from the server. */
export type AppRouter = ReturnType<typeof createAppRouter>;
