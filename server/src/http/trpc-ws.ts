import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_BATCH_CALLS, MAX_SUBSCRIPTIONS_PER_SOCKET } from '@sla/shared';
import { type Encoder, getWSConnectionHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../platform/errors.js';
import { isInternal, publicError } from '../trpc/errors.js';
import { LiveHandoff } from '../trpc/shared-event.js';
import { contextFor, type HttpDeps } from './deps.js';
import { assertSameOrigin } from './same-origin.js';
import { carried, eventMessage, eventText } from './ws-frames.js';

/** One WebSocket message (a call, or a batch of calls) is at most 1 MiB. */
const MAX_MESSAGE = 1024 * 1024;
/** Close code for a client dropped for not reading (private range: 4000 + HTTP-like 408). */
export const SLOW_CLOSE_CODE = 4008;
/**
 * How long a dropped client has to read what is queued up to the close frame (and see the
 * close code) before its connection is cut: a client that does not read at all never will.
 */
const SLOW_CLOSE_GRACE_MS = 5_000;

/**
 * Drops a client that lets more than `bound` bytes wait: a close frame with
 * SLOW_CLOSE_CODE after what is queued, and the connection cut after SLOW_CLOSE_GRACE_MS.
 * Nothing more is queued for it meanwhile (sends on a closing socket are discarded), so
 * neither its memory nor its pace reaches the other subscribers; it resumes later with the
 * last event id it received.
 */
function dropSlow(app: HttpDeps, ws: WebSocket, bound: number): void {
  app.metrics.wsSlowDisconnects.inc();
  app.log.info({ buffered: ws.bufferedAmount, bound }, 'WebSocket client dropped: not reading its messages');
  ws.close(SLOW_CLOSE_CODE, `too slow: over ${bound} bytes unread; subscribe again with lastEventId`);
  const cut = setTimeout(() => ws.terminate(), SLOW_CLOSE_GRACE_MS);
  cut.unref();
  ws.once('close', () => clearTimeout(cut));
}

/** Sends one event's message unless the socket is closing or over its bound (then dropped); false when not sent. */
function sendEvent(app: HttpDeps, ws: WebSocket, bound: number, text: string): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  if (ws.bufferedAmount > bound) {
    dropSlow(app, ws, bound);
    return false;
  }
  ws.send(text);
  return true;
}

/**
 * The wire encoder of one connection: JSON, a change event from the text serialised once
 * for every subscriber (ws-frames.ts), refusing a message that batches more than
 * MAX_BATCH_CALLS calls (the adapter answers it with a PARSE_ERROR carrying this message).
 * tRPC's adapter sends without waiting for the socket to drain, so each answer first
 * checks what waits unsent: past WS_MAX_BUFFERED_BYTES the client is dropped (dropSlow)
 * and the answer discarded.
 */
function boundedEncoder(app: HttpDeps, ws: WebSocket): Encoder {
  const bound = app.config.WS_MAX_BUFFERED_BYTES;
  return {
    encode(data) {
      // Closing (dropped, or going away): the adapter's send is discarded anyway.
      if (ws.readyState !== ws.OPEN) return '';
      if (ws.bufferedAmount > bound) {
        dropSlow(app, ws, bound);
        return '';
      }
      const value = carried(data);
      if (value instanceof LiveHandoff) {
        // The subscription's later events go straight to this socket, after this one.
        const { id, jsonrpc } = data as { id: unknown; jsonrpc?: unknown };
        value.attach((event) => sendEvent(app, ws, bound, eventText(event, id, jsonrpc)));
      }
      return eventMessage(data) ?? jsonEncoder.encode(data);
    },
    decode(data) {
      const message = jsonEncoder.decode(data);
      if (Array.isArray(message) && message.length > MAX_BATCH_CALLS)
        throw new AppError(
          'BAD_INPUT',
          `A WebSocket message may carry at most ${MAX_BATCH_CALLS} calls; this one has ${message.length}`,
        );
      return message;
    },
  };
}

/**
 * What a connection's calls read of its upgrade request (headers for auth, the URL, and
 * whether the socket is TLS, as tRPC builds the request URL from it): the adapter keeps
 * the request for the connection's lifetime, and the full IncomingMessage (its stream
 * state, raw headers) would cost every idle subscriber about a kilobyte more.
 */
function upgradeHeaders(req: IncomingMessage): IncomingMessage {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return {
    headers: req.headers,
    url: req.url,
    method: req.method,
    socket: { encrypted },
  } as unknown as IncomingMessage;
}

/** Refuses an upgrade with a status line and a JSON reason, then closes the socket. */
function refuse(socket: Duplex, status: 403 | 404 | 503, reason: string): void {
  const [text, code] = (
    {
      403: ['Forbidden', 'FORBIDDEN'],
      404: ['Not Found', 'NOT_FOUND'],
      503: ['Service Unavailable', 'SERVICE_UNAVAILABLE'],
    } as const
  )[status];
  const body = JSON.stringify({ code, message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 503 ? 'Retry-After: 1\r\n' : ''}\r\n${body}`,
  );
}

/**
 * tRPC over WebSocket at `/trpc` on `server`: upgrades only from this server's own origin
 * (or CORS_ORIGINS) — the handshake carries the session cookie, so a page elsewhere must
 * not open one — and none while draining. Each connection gets its own context, which
 * carries its subscription budget (MAX_SUBSCRIPTIONS_PER_SOCKET, enforced in trpc/trpc.ts),
 * and its own bounded encoder.
 */
export function attachTrpcWebSocket(
  app: HttpDeps,
  server: Server,
  origins: ReadonlySet<string>,
  draining: () => boolean,
): { wss: WebSocketServer; broadcastReconnect: () => void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const base = {
    wss,
    router: app.router,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    createContext: ({ req }: { req: IncomingMessage }) => ({
      ...contextFor(app, req),
      subscriptions: { open: 0, max: MAX_SUBSCRIPTIONS_PER_SOCKET },
      directDelivery: true as const,
    }),
    onError: ({ error, path }: { error: unknown; path: string | undefined }) => {
      if (isInternal(publicError(error))) app.log.error({ err: error, path }, 'tRPC WebSocket call failed');
    },
  };
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) =>
    getWSConnectionHandler({ ...base, experimental_encoder: boundedEncoder(app, ws) })(ws, upgradeHeaders(req)),
  );
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/trpc') return refuse(socket, 404, 'WebSocket is served at /trpc only');
    if (draining()) return refuse(socket, 503, 'This pod is shutting down; connect again');
    try {
      assertSameOrigin(req, origins);
    } catch (err) {
      return refuse(socket, 403, (err as Error).message);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const reconnect = jsonEncoder.encode({ id: null, method: 'reconnect' });
  return {
    wss,
    // What applyWSSHandler's broadcastReconnectNotification sends: the client reconnects, elsewhere.
    broadcastReconnect: () => {
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(reconnect);
    },
  };
}
