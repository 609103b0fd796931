import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import cors from 'cors';
import helmet from 'helmet';
import { WebSocketServer } from 'ws';
import { contextFor, type HttpDeps } from './deps.js';
import { handleDocs } from './docs.js';
import { handleHealth } from './health.js';
import { openApiDocument } from './openapi.js';
import { sendJson } from './respond.js';
import { restHandler, sendError } from './rest.js';
import { staticHandler } from './static.js';

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

/** One node:http server: REST under /api, tRPC over HTTP and WebSocket at /trpc, /metrics, and the SPA. */
export function createHttpServer(app: HttpDeps): {
  server: Server;
  wss: WebSocketServer;
  broadcastReconnect: () => void;
} {
  const trpcHttp = createHTTPHandler({
    router: app.router,
    createContext: ({ req, res }) => contextFor(app, req, res),
    basePath: '/trpc/',
    maxBodySize: 8 * 1024 * 1024,
  });
  const spa = staticHandler();
  const handleRest = restHandler(app);
  const origins = (app.config.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const corsMw = cors({
    origin: origins.length ? origins : false,
    credentials: true,
    maxAge: 600,
  }) as unknown as Middleware;

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    res.setHeader('X-Request-Id', id);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let route = 'static';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      app.metrics.httpDuration.observe({ method: req.method ?? 'GET', route, status: String(res.statusCode) }, seconds);
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
        route = `/api${sub}`;
        if (await handleHealth(app.health, res, sub)) return;
        if (sub === '/openapi.json') return sendJson(res, 200, openApiDocument(app.router, `${origin(req)}/api`));
        if (handleDocs(req, res, sub)) return;
        if (await handleRest(req, res, sub)) return;
        route = 'unknown';
        return sendJson(res, 404, {
          code: 'NOT_FOUND',
          message: `No route ${req.method} ${path}; see /api/openapi.json`,
        });
      }
      if (path.startsWith('/trpc/')) {
        route = '/trpc';
        return trpcHttp(req, res);
      }
      if (path === '/metrics') {
        route = '/metrics';
        await app.collectMetrics();
        res.setHeader('Content-Type', app.metrics.registry.contentType);
        return void res.end(await app.metrics.registry.metrics());
      }
      spa(req, res);
    } catch (err) {
      sendError(app, res, err);
    }
  });
  // Requests and idle keep-alive sockets must not outlive a shutdown deadline by much.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const wsHandler = applyWSSHandler({
    wss,
    router: app.router,
    createContext: ({ req }) => contextFor(app, req),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/trpc' || app.health.draining()) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  return { server, wss, broadcastReconnect: () => wsHandler.broadcastReconnectNotification() };
}

function origin(req: IncomingMessage): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}
