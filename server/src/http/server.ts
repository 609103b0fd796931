import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';
import { AppError } from '../platform/errors.js';
import type { HttpDeps } from './deps.js';
import { handleDocs } from './docs.js';
import { DrainTracker } from './drain.js';
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

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

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
  const hot = hotReads(app);
  const reportCsv = reportCsvHandler(app);
  const corsMw = cors({
    origin: origins.size ? [...origins] : false,
    credentials: true,
    maxAge: 600,
  }) as unknown as Middleware;

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    drain.track(req, res);
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    res.setHeader('X-Request-Id', id);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Label values are route templates, never the raw path: a client must not be able to mint series.
    let route = 'static';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = METHOD_LABELS.has(req.method ?? '') ? (req.method as string) : 'other';
      app.metrics.httpDuration.observe({ method, route, status: String(res.statusCode) }, seconds);
      if (app.log.isLevelEnabled('debug'))
        app.log.debug(
          { reqId: id, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
          'request',
        );
    });
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
        if ((await hot(req, res, path)) || (await handleRest(req, res, sub))) return;
        route = 'unknown';
        return sendJson(res, 404, {
          code: 'NOT_FOUND',
          message: `No route ${req.method} ${path}; see /api/openapi.json`,
        });
      }
      if (path.startsWith('/trpc/')) {
        route = '/trpc';
        if (await hot(req, res, path)) return;
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

function origin(req: IncomingMessage): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}
