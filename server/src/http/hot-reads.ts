import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BATCH_CALLS } from '@sla/shared';
import { transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import vary from 'vary';
import { AppError } from '../platform/errors.js';
import { asTRPCError, isInternal, publicError } from '../trpc/errors.js';
import { AnswerCache, type CachedAnswer, matchesEtag } from './answer-cache.js';
import { procedureCaller } from './call.js';
import { chooseCoding, compressBody } from './compress.js';
import { contextFor, type HttpDeps } from './deps.js';
import { queryInput, sendError } from './rest.js';
import { sendTrpcError } from './trpc-http.js';

/** The queries served by this path over tRPC (`/trpc/<name>`), unbatched or in a batch of these only. */
const HOT_PROCEDURES = new Set([
  'cache.status',
  'cache.recentChanges',
  'entities.summary',
  'entities.list',
  'entities.facets',
  'budgets.overview',
  'budgets.tenant',
  'budgets.team',
  'budgets.entity',
  'budgets.series',
]);
/** The REST routes served by this path (path below /api → procedure). */
const HOT_REST: Record<string, string> = {
  '/cache/status': 'cache.status',
  '/cache/recent-changes': 'cache.recentChanges',
  '/budgets/overview': 'budgets.overview',
  '/budgets/tenant': 'budgets.tenant',
  '/budgets/team': 'budgets.team',
  '/budgets/entity': 'budgets.entity',
  '/budgets/series': 'budgets.series',
};

type Call = { procedure: string; input: unknown };
type Plan = { wire: 'trpc' | 'trpc-batch' | 'rest'; calls: Call[] };

/**
 * What a GET asks for, when this path can answer it; null hands the request to the stock
 * adapters, which answer everything unusual (bad JSON, oversized batches, other
 * procedures, streaming `application/jsonl`) with their own errors and shapes.
 */
function planOf(req: IncomingMessage, path: string): Plan | null {
  if (path.startsWith('/api/')) {
    const procedure = HOT_REST[path.slice(4)];
    if (!procedure) return null;
    try {
      const input = procedure === 'cache.status' ? undefined : queryInput(req);
      return { wire: 'rest', calls: [{ procedure, input }] };
    } catch {
      return null;
    }
  }
  if (!path.startsWith('/trpc/')) return null;
  if (req.headers['trpc-accept'] || req.headers.accept?.includes('application/jsonl')) return null;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  // Only the query string is parsed (a WHATWG URL per request costs more than the rest of a hit).
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  let names: string[];
  try {
    names = decodeURIComponent(path.slice(6)).split(',');
  } catch {
    return null; // malformed %-escapes: the stock adapter answers them
  }
  const batch = params.get('batch') === '1';
  if ((!batch && names.length > 1) || names.length > MAX_BATCH_CALLS) return null;
  if (!names.every((n) => HOT_PROCEDURES.has(n))) return null;
  const raw = params.get('input');
  let input: unknown;
  try {
    input = raw === null ? undefined : JSON.parse(raw);
  } catch {
    return null;
  }
  if (!batch) return { wire: 'trpc', calls: [{ procedure: names[0] as string, input }] };
  const byIndex = (input ?? {}) as Record<string, unknown>;
  if (typeof byIndex !== 'object') return null;
  return { wire: 'trpc-batch', calls: names.map((procedure, i) => ({ procedure, input: byIndex[String(i)] })) };
}

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
 * Order of checks: the read guard first (a refused request goes to the stock path, which
 * answers 401 in its route's format, so no cached answer nor 304 is ever given without
 * access), then `If-None-Match` against the strong ETag of the bytes (304), then the body,
 * gzip- or brotli-compressed when accepted and over 1 kB, each coding made once per answer.
 * Errors are never cached; they are answered in the route's own error format. Returns
 * false when the stock path should answer (not a hot read, a refused guard, a failed batch).
 */
export function hotReads(app: HttpDeps) {
  const answers = new AnswerCache();
  const call = procedureCaller(app.router);
  const config = app.router._def._config;
  const pending = new Map<string, Promise<CachedAnswer | Failed>>();
  const privateAnswers = !!app.config.READ_TOKEN;

  /** Computes and stores one answer; concurrent misses of the same URL and key share it. */
  const compute = (req: IncomingMessage, url: string, key: string, plan: Plan) => {
    const id = `${url}\n${key}`;
    let p = pending.get(id);
    if (!p) {
      const ctx = contextFor(app, req);
      p = Promise.all(plan.calls.map((c) => call(ctx, c.procedure, c.input)))
        .then((data) => answers.set(url, key, Buffer.from(serialise(config, plan, data))))
        .catch((err: unknown): Failed => ({ failed: err }))
        .finally(() => pending.delete(id));
      pending.set(id, p);
    }
    return p;
  };

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const plan = planOf(req, path);
    if (!plan) return false;
    try {
      app.guards.read({
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        idempotencyKey: undefined,
      });
    } catch {
      return false;
    }
    const versions: string[] = [String(Math.floor(Date.now() / 1000))];
    for (const c of plan.calls) {
      const v = app.readVersion(c.procedure);
      if (v === null) return false;
      versions.push(v);
    }
    const key = versions.join('|');
    const url = req.url ?? path;
    let answer: CachedAnswer | Failed | undefined = answers.get(url, key);
    if (answer) countHits(app, plan);
    else answer = await compute(req, url, key, plan);
    if ('failed' in answer) return sendFailure(app, res, plan, answer.failed);
    send(req, res, answer, plan.wire, privateAnswers);
    return true;
  };
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
  for (const c of plan.calls) if (c.procedure !== 'cache.status') app.metrics.cacheReads.inc({ result: 'hit' });
}

/** The bytes the stock adapter (tRPC) or the REST handler would send for these results. */
function serialise(config: Parameters<typeof transformTRPCResponse>[0], plan: Plan, data: unknown[]): string {
  if (plan.wire === 'rest') return JSON.stringify(data[0]);
  const envelopes = data.map((d) => transformTRPCResponse(config, { result: { data: d } }));
  return JSON.stringify(plan.wire === 'trpc' ? envelopes[0] : envelopes);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  answer: CachedAnswer,
  wire: Plan['wire'],
  privateAnswer: boolean,
): void {
  // The stock tRPC adapter varies on trpc-accept/accept (streaming answers); kept so caches agree.
  const fields = [...(wire === 'rest' ? [] : ['trpc-accept', 'accept']), 'Accept-Encoding'];
  if (privateAnswer) fields.push('Authorization', 'Cookie');
  // Appended: CORS has already added `Origin` for a cross-origin request.
  vary(res, fields);
  res.setHeader('Cache-Control', privateAnswer ? 'private, no-cache' : 'no-cache');
  res.setHeader('ETag', answer.etag);
  if (matchesEtag(req.headers['if-none-match'], answer.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const coding = chooseCoding(req, answer.body.length);
  let body = answer.body;
  if (coding) {
    body = answer.encoded.get(coding) ?? compressBody(answer.body, coding);
    answer.encoded.set(coding, body);
    res.setHeader('Content-Encoding', coding);
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', wire === 'rest' ? 'application/json; charset=utf-8' : 'application/json');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
