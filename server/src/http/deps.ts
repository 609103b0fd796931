import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Report } from '@sla/shared';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Logger } from 'pino';
import type { Config } from '../platform/config.js';
import type { Metrics } from '../platform/metrics.js';
import type { Context, Guards } from '../trpc/context.js';
import type { HealthSource } from './health.js';

/** What the HTTP layer is given by the composition root: it imports no domain. */
export type HttpDeps = {
  config: Config;
  log: Logger;
  metrics: Metrics;
  router: AnyTRPCRouter;
  guards: Guards;
  health: HealthSource;
  /**
   * The version of what a hot read procedure (`entities.list`, `cache.status`, …) answers
   * from; any change of it means a cached answer is outdated. null: not cacheable (the
   * hot read path leaves it to the stock adapters). See http/hot-reads.ts.
   */
  readVersion: (procedure: string) => string | null;
  /** A report as CSV (reports/csv.ts `reportCsv`), for `GET /api/reports/csv`. */
  reportCsv: (report: Report) => string;
  /** Refreshes scrape-time gauges (Redis memory and clients) before /metrics answers. */
  collectMetrics: () => Promise<void>;
};

/** The tRPC context of one request, the same for HTTP, WebSocket and REST. */
export function contextFor(d: HttpDeps, req: IncomingMessage, res?: ServerResponse): Context {
  return {
    guards: d.guards,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    idempotencyKey: headerValue(req.headers['idempotency-key']),
    setHeader: (n, v) => res?.setHeader(n, v),
  };
}

/** A header's value; a header sent twice is joined the way HTTP folds repeated fields (`a, b`). */
const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);
