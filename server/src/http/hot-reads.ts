import type { IncomingMessage, ServerResponse } from 'node:http';
import { transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { AppError } from '../platform/errors.js';
import { asTRPCError, isInternal, publicError } from '../trpc/errors.js';
import { AnswerCache, type CachedAnswer, matchesEtag } from './answer-cache.js';
import { procedureCaller } from './call.js';
import { chooseCoding } from './compress.js';
import { contextFor, type HttpDeps } from './deps.js';
import type { HeaderRecorder } from './fixed-headers.js';
import { answerHeaders, bodyOf, cachedAnswerer, type Variant } from './hot-hits.js';
import { type Call, mayRead, type Plan, planOf, wantsStream } from './hot-plan.js';
import { sendError } from './rest.js';
import { sendTrpcError } from './trpc-http.js';

/**
 * The lean path of hot GET reads (`/api/cache/status`, `/api/cache/recent-changes`,
 * `/trpc/entities.summary|list|facets`, `/trpc/cache.status|recentChanges`, also in batches
 * of these within MAX_BATCH_CALLS). Each answer is computed by the procedure itself (its
 * input parsing, access check, handler and output validation), serialised once in the
 * wire format of its route (tRPC's `{"result":{"data":…}}`, REST's bare JSON), and its
 * bytes served until its key changes: the URL, the read versions of its procedures
 * (`deps.readVersion`) and the whole second of the clock (staleness depends on it). So a
 * read is at most 1 s behind the clock and never behind a change this pod has applied;
 * `cache.status` is keyed the same way, so its hit/miss counters may be up to 1 s old.
 *
 * Two entries: `cached` (http/hot-hits.ts) answers a request whose current answer is
 * already stored, synchronously and before any other work of the server; `serve` (after
 * helmet and CORS) answers the rest: it computes and stores the answer, or hands over.
 * Order of checks in both: the read guard first (a refused request goes to the stock path,
 * which answers 401 in its route's format, so no cached answer nor 304 is ever given
 * without access), then `If-None-Match` against the strong ETag of the bytes (304), then
 * the body, gzip- or brotli-compressed when accepted and over 1 kB, each coding made once
 * per answer. Errors are never cached; they are answered in the route's own error format.
 * `serve` resolves false when the stock path should answer (not a hot read, a refused
 * guard, a failed batch).
 *
 * `fixed`: the header fields helmet and CORS set on every GET without `Origin`, recorded at
 * start (http/fixed-headers.ts); `corsVaries`: CORS answers depend on `Origin` (origins
 * are configured), so requests carrying one take `serve`, after the CORS middleware.
 */
export function hotReads(app: HttpDeps, fixed: HeaderRecorder, corsVaries: boolean) {
  const answers = new AnswerCache();
  const call = procedureCaller(app.router);
  const config = app.router._def._config;
  const pending = new Map<string, Promise<CachedAnswer | Failed>>();
  const privateAnswers = !!app.config.READ_TOKEN;

  /** Computes and stores one answer; concurrent misses of the same URL and key share it. */
  const compute = (req: IncomingMessage, url: string, plan: Plan, second: number, versions: string[]) => {
    const id = `${url}\n${second}|${versions.join('|')}`;
    let p = pending.get(id);
    if (!p) {
      const ctx = contextFor(app, req);
      p = Promise.all(plan.calls.map((c) => call(ctx, c.procedure, c.input)))
        .then((data) => answers.set(url, plan, second, versions, Buffer.from(serialise(config, plan, data))))
        .catch((err: unknown): Failed => ({ failed: err }))
        .finally(() => pending.delete(id));
      pending.set(id, p);
    }
    return p;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? path;
    const plan = answers.latest(url)?.plan ?? planOf(req, path);
    if (!plan) return false;
    if (plan.wire !== 'rest' && wantsStream(req)) return false;
    if (!mayRead(app.guards, req)) return false;
    const second = Math.floor(Date.now() / 1000);
    const versions: string[] = [];
    for (const c of plan.calls) {
      const v = app.readVersion(c.procedure);
      if (v === null) return false;
      versions.push(v);
    }
    let answer: CachedAnswer | Failed | undefined = answers.get(url, second, versions);
    if (answer) countHits(app, plan);
    else answer = await compute(req, url, plan, second, versions);
    if ('failed' in answer) return sendFailure(app, res, plan, answer.failed);
    send(req, res, answer, privateAnswers);
    return true;
  };

  return { serve, cached: cachedAnswerer(app, answers, fixed, corsVaries) };
}

/** A procedure's error: never cached, answered to the requests that shared the call. */
type Failed = { failed: unknown };

/**
 * Answers a failed call as the stock path would have (a second attempt there would only
 * wait for the same failure again, e.g. a busy database's acquire timeout): REST's
 * `{code, message}`, tRPC's error shape. A failed batch is left to the stock adapter
 * (false), which answers each call on its own.
 */
function sendFailure(app: HttpDeps, res: ServerResponse, plan: Plan, err: unknown): boolean {
  if (plan.wire === 'rest') {
    const cause = err instanceof Error && err.cause instanceof AppError ? err.cause : err;
    if (cause instanceof AppError && cause.retryAfterSeconds)
      res.setHeader('Retry-After', String(cause.retryAfterSeconds));
    sendError(app, res, err);
    return true;
  }
  if (plan.wire === 'trpc-batch') return false;
  const error = asTRPCError(err);
  const call = plan.calls[0] as Call;
  if (isInternal(publicError(error))) app.log.error({ err: error, path: call.procedure }, 'tRPC call failed');
  sendTrpcError(res, app.router._def._config, error, getHTTPStatusCodeFromError(error), {
    type: 'query',
    path: call.procedure,
    input: call.input,
  });
  return true;
}

/** A served cached answer is a read from this pod's memory: counted as the procedure would. */
function countHits(app: HttpDeps, plan: Plan): void {
  if (plan.counted) app.metrics.cacheReads.inc({ result: 'hit' }, plan.counted);
}

/** The bytes the stock adapter (tRPC) or the REST handler would send for these results. */
function serialise(config: Parameters<typeof transformTRPCResponse>[0], plan: Plan, data: unknown[]): string {
  if (plan.wire === 'rest') return JSON.stringify(data[0]);
  const envelopes = data.map((d) => transformTRPCResponse(config, { result: { data: d } }));
  return JSON.stringify(plan.wire === 'trpc' ? envelopes[0] : envelopes);
}

/** Sends `answer` on a response that already carries the server's other headers (helmet, CORS, request id). */
function send(req: IncomingMessage, res: ServerResponse, answer: CachedAnswer, privateAnswer: boolean): void {
  const variant: Variant = matchesEtag(req.headers['if-none-match'], answer.etag)
    ? '304'
    : (chooseCoding(req, answer.body.length) ?? 'identity');
  answerHeaders(res, answer, privateAnswer, variant);
  res.statusCode = variant === '304' ? 304 : 200;
  res.end(variant === '304' ? undefined : bodyOf(answer, variant));
}
