import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BATCH_CALLS } from '@sla/shared';
import { type AnyTRPCRouter, getTRPCErrorShape, type TRPCError, transformTRPCResponse } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { AppError } from '../platform/errors.js';
import { isInternal, publicError, toTRPCError } from '../trpc/errors.js';
import { readRawBody } from './body.js';
import { contextFor, type HttpDeps } from './deps.js';
import { sendJson } from './respond.js';
import { assertJson, assertSameOrigin } from './same-origin.js';

/** tRPC over HTTP takes bodies up to 8 MiB (a batch of 1,000 updates), as the REST batch route does. */
const TRPC_MAX_BODY = 8 * 1024 * 1024;

/** The calls a `/trpc/a,b,c?batch=1` request carries. */
function batchSize(req: IncomingMessage): number {
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get('batch') === '1' ? url.pathname.split(',').length : 1;
}

/**
 * A batch over MAX_BATCH_CALLS, refused before the adapter parses it, with one error as
 * the adapter's own `maxBatchSize` check answers, but naming the limit (the adapter says
 * only "Batch call exceeds maximum size"); null for a batch within the limit.
 */
function oversizedBatch(req: IncomingMessage): AppError | null {
  const calls = batchSize(req);
  if (calls <= MAX_BATCH_CALLS) return null;
  return new AppError(
    'BAD_INPUT',
    `A batch may carry at most ${MAX_BATCH_CALLS} calls; this one has ${calls} (split it, e.g. httpBatchLink's maxItems)`,
  );
}

/** A path whose %-escapes do not decode (the adapter would answer 500), refused naming the problem. */
function malformedPath(req: IncomingMessage): AppError | null {
  try {
    decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    return null;
  } catch {
    return new AppError('BAD_INPUT', 'The procedure path has a malformed %-escape; encode it with encodeURIComponent');
  }
}

/**
 * What a tRPC mutation (any POST) passes before the adapter runs it: an `application/json`
 * body from this server's own origin (or CORS_ORIGINS), read here — decoded per
 * Content-Encoding, 8 MiB after decoding — and handed to the adapter as `req.body`, so
 * REST and tRPC share one body reader.
 * @throws AppError BAD_INPUT, FORBIDDEN, UNSUPPORTED_MEDIA_TYPE, TOO_LARGE.
 */
async function admit(req: IncomingMessage & { body?: unknown }, origins: ReadonlySet<string>): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  assertJson(req);
  assertSameOrigin(req, origins);
  req.body = (await readRawBody(req, TRPC_MAX_BODY)).toString('utf8');
}

/**
 * The stock tRPC HTTP adapter behind `oversizedBatch` and `admit`. A refused request is
 * answered in tRPC's own error shape (a refused mutation by the adapter, so each call of a
 * batch gets the error). `maxBatchSize` repeats the batch limit as the adapter's own
 * backstop. Internal errors are logged here, since clients only see "Internal server error".
 */
export function trpcHttpHandler(app: HttpDeps, origins: ReadonlySet<string>) {
  const handler = createHTTPHandler({
    router: app.router,
    createContext: ({ req, res }) => contextFor(app, req, res),
    basePath: '/trpc/',
    maxBodySize: TRPC_MAX_BODY,
    maxBatchSize: MAX_BATCH_CALLS,
    middleware: (req, res, next) => {
      admit(req, origins).then(
        () => next(),
        (err: unknown) => {
          // The adapter must not read a refused body; after a 413, nor may the connection.
          (req as { body?: unknown }).body = undefined;
          if (err instanceof AppError && err.code === 'TOO_LARGE') res.setHeader('Connection', 'close');
          next(err instanceof AppError ? toTRPCError(err) : err);
        },
      );
    },
    onError: ({ error, path }) => {
      if (isInternal(publicError(error))) app.log.error({ err: error, path }, 'tRPC call failed');
    },
  });
  const config = app.router._def._config;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const refused = malformedPath(req) ?? oversizedBatch(req);
    if (!refused) {
      handler(req, res);
      return;
    }
    sendTrpcError(res, config, toTRPCError(refused), 400);
  };
}

/**
 * Answers one call's error in tRPC's own shape, as the stock adapter would (`{"error":…}`
 * through the error formatter, with `Retry-After` when the domain error carries one).
 * `status`: the HTTP status (the adapter's: the tRPC code's, from getHTTPStatusCodeFromError).
 */
export function sendTrpcError(
  res: ServerResponse,
  config: AnyTRPCRouter['_def']['_config'],
  error: TRPCError,
  status: number,
  call: { type: 'query' | 'unknown'; path?: string; input?: unknown } = { type: 'unknown' },
): void {
  const shape = getTRPCErrorShape({
    config,
    error,
    type: call.type,
    path: call.path,
    input: call.input,
    ctx: undefined,
  });
  if (error.cause instanceof AppError && error.cause.retryAfterSeconds)
    res.setHeader('Retry-After', String(error.cause.retryAfterSeconds));
  sendJson(res, status, transformTRPCResponse(config, { error: shape }));
}
