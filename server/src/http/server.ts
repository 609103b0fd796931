import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';
import { AppError } from '../platform/errors.js';
import type { HttpDeps } from './deps.js';
import { handleDocs } from './docs.js';
import { DrainTracker } from './drain.js';
import { type Middleware, recordFixedHeaders } from './fixed-headers.js';
import { handleHealth } from './health.js';
import { hotReads } from './hot-reads.js';
import { openApiDocument } from './openapi.js';
import { reportCsvHandler } from './report-csv.js';
import { sendJson } from './respond.js';
import { restHandler, sendError } from './rest.js';
import { allowedOrigins } from './same-origin.js';
import { staticHandler } from './static.js';
import { trpcHttpHandler } from './trpc-http.js';
import { attachTrpcWebSocket } from './trpc-ws.js';

const security = helmet({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
  hsts: false,
}) as unknown as Middleware;

const run = (mw: Middleware, req: IncomingMessage, res: ServerResponse) =>
  new Promise<void>((resolve, reject) => mw(req, res, (err) => (err ? reject(err) : resolve())));

/** Metric label of a method: the common ones by name, anything else lumped together. */
const METHOD_LABELS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** For routes that only read (probes, documents, the dashboard): GET and HEAD, else 405. */
function readOnly(req: IncomingMessage, res: ServerResponse, app: HttpDeps, path: string): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.setHeader('Allow', 'GET, HEAD');
  sendError(app, res, new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use GET or HEAD`));
  return false;
}

export type HttpServer = {
  server: Server;
  /**
   * Starts draining (see DrainTracker): stops accepting, cuts event streams, closes
   * keep-alive sockets after their response, tells WebSocket clients to reconnect elsewhere.
   */
  startDrain(): void;
  /** Closes WebSocket connections (1012) and resolves when every socket is closed, cutting them at `deadlineMs`. */
  close(deadlineMs: number): Promise<void>;
};

/** One node:http server: REST under /api, tRPC over HTTP and WebSocket at /trpc, /metrics, and the SPA. */
export function createHttpServer(app: HttpDeps): HttpServer {
  const origins = allowedOrigins(app.config);
  const trpcHttp = trpcHttpHandler(app, origins);
  const spa = staticHandler();
  const handleRest = restHandler(app, origins);
  const reportCsv = reportCsvHandler(app);
  const corsMw = cors({
    origin: origins.size ? [...origins] : false,
    credentials: true,
    maxAge: 600,
  }) as unknown as Middleware;
  // helmet's and CORS's fields are the same on every GET without Origin: recorded once for cached answers.
  const hot = hotReads(app, recordFixedHeaders([security, corsMw]), origins.size > 0);
  const observe = requestObserver(app);

  const handle = async (req: IncomingMessage, res: ServerResponse, id: string, started: number) => {
    drain.track(req, res);
    res.setHeader('X-Request-Id', id);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Label values are route templates, never the raw path: a client must not be able to mint series.
    let route = 'static';
    res.on('finish', () => observe(req, route, res.statusCode, started, id));
    try {
      await run(security, req, res);
      await run(corsMw, req, res);
      if (req.method === 'OPTIONS' && res.writableEnded) return;
      if (path.startsWith('/api/') || path === '/api') {
        const sub = path.slice(4);
        if (sub === '/health' || sub === '/health/live' || sub === '/health/ready') {
          route = `/api${sub}`;
          if (readOnly(req, res, app, path)) await handleHealth(app.health, app.log, res, sub);
          return;
        }
        if (sub === '/openapi.json') {
          route = '/api/openapi.json';
          if (readOnly(req, res, app, path)) sendJson(res, 200, openApiDocument(app.router, `${origin(req)}/api`));
          return;
        }
        if (sub === '/docs' || sub.startsWith('/docs/')) {
          route = '/api/docs';
          if (readOnly(req, res, app, path)) handleDocs(req, res, sub);
          return;
        }
        if (sub === '/reports/csv') {
          route = '/api/reports/csv';
          return await reportCsv(req, res);
        }
        route = `/api${sub}`;
        if ((await hot.serve(req, res, path)) || (await handleRest(req, res, sub))) return;
        route = 'unknown';
        return sendJson(res, 404, {
          code: 'NOT_FOUND',
          message: `No route ${req.method} ${path}; see /api/openapi.json`,
        });
      }
      if (path.startsWith('/trpc/')) {
        route = '/trpc';
        if (await hot.serve(req, res, path)) return;
        return trpcHttp(req, res);
      }
      if (path === '/metrics') {
        route = '/metrics';
        if (!readOnly(req, res, app, path)) return;
        await app.collectMetrics();
        res.setHeader('Content-Type', app.metrics.registry.contentType);
        return void res.end(await app.metrics.registry.metrics());
      }
      if (readOnly(req, res, app, path)) spa(req, res);
    } catch (err) {
      sendError(app, res, err);
    }
  };

  const server = createServer((req, res) => {
    // performance.now(): a monotonic double, no BigInt allocated per request as hrtime.bigint() would.
    const started = performance.now();
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    // A stored hot read is answered at once, whole (see http/hot-hits.ts); while draining every
    // response takes the whole path, which marks it `Connection: close`.
    const hotRoute = drain.draining ? null : hot.cached(req, res, id);
    if (hotRoute !== null) return observe(req, hotRoute, res.statusCode, started, id);
    void handle(req, res, id, started);
  });
  // Requests and idle keep-alive sockets must not outlive a shutdown deadline by much.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  const drain = new DrainTracker(server);
  const ws = attachTrpcWebSocket(app, server, origins, () => drain.draining);
  let closed: Promise<void> | null = null;

  return {
    server,
    startDrain() {
      closed ??= drain.start();
      ws.broadcastReconnect();
    },
    async close(deadlineMs) {
      closed ??= drain.start();
      for (const client of ws.wss.clients) client.close(1012, 'server restarting');
      const deadline = setTimeout(
        () => {
          server.closeAllConnections();
          for (const client of ws.wss.clients) client.terminate();
        },
        Math.max(0, deadlineMs),
      );
      await closed;
      clearTimeout(deadline);
      ws.wss.close();
    },
  };
}

type DurationChild = ReturnType<HttpDeps['metrics']['httpDuration']['labels']>;

/**
 * Records a finished request: the request-duration histogram (one labelled child per
 * route, method and status, kept) and, at debug level, a log line. `started`:
 * `performance.now()` when the request arrived.
 */
function requestObserver(app: HttpDeps) {
  // route → method → status → child: nested maps, so a request builds no key string.
  const children = new Map<string, Map<string, Map<number, DurationChild>>>();
  const childOf = (route: string, method: string, status: number): DurationChild => {
    let byMethod = children.get(route);
    if (!byMethod) {
      byMethod = new Map();
      children.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (!child) {
      child = app.metrics.httpDuration.labels({ method, route, status: String(status) });
      byStatus.set(status, child);
    }
    return child;
  };
  return (req: IncomingMessage, route: string, status: number, started: number, id: string): void => {
    const seconds = (performance.now() - started) / 1e3;
    const method = METHOD_LABELS.has(req.method ?? '') ? (req.method as string) : 'other';
    const child = childOf(route, method, status);
    child.observe(seconds);
    if (app.log.isLevelEnabled('debug'))
      app.log.debug({ reqId: id, method: req.method, route, status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
  };
}

function origin(req: IncomingMessage): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}
