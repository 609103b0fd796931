import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';
import type { AnswerCache } from './answer-cache.js';
import { type CachedAnswer, isCurrent, matchesEtag } from './answer-cache.js';
import { chooseCoding, compressBody } from './compress.js';
import type { HttpDeps } from './deps.js';
import type { HeaderRecorder } from './fixed-headers.js';
import { mayRead, wantsStream } from './hot-plan.js';

/** How a cached answer is sent: 304, or 200 with the body as is or in a content coding. */
export type Variant = '304' | 'identity' | 'gzip' | 'br';

/** The body of `answer` in `variant`'s coding, each coding compressed once per answer. */
export function bodyOf(answer: CachedAnswer, variant: Exclude<Variant, '304'>): Buffer {
  if (variant === 'identity') return answer.body;
  let body = answer.encoded.get(variant);
  if (!body) {
    body = compressBody(answer.body, variant);
    answer.encoded.set(variant, body);
  }
  return body;
}

/**
 * Sets the header fields of a hot read answer on `res` (a response, or a HeaderRecorder):
 * `Vary` (appended to what CORS set), `Cache-Control` (private with READ_TOKEN), the ETag,
 * and for a 200 the coding, type and length of the body.
 */
export function answerHeaders(res: ServerResponse, answer: CachedAnswer, privateAnswer: boolean, variant: Variant) {
  const { wire } = answer.plan;
  // The stock tRPC adapter varies on trpc-accept/accept (streaming answers); kept so caches agree.
  const fields = [...(wire === 'rest' ? [] : ['trpc-accept', 'accept']), 'Accept-Encoding'];
  if (privateAnswer) fields.push('Authorization', 'Cookie');
  vary(res, fields);
  res.setHeader('Cache-Control', privateAnswer ? 'private, no-cache' : 'no-cache');
  res.setHeader('ETag', answer.etag);
  if (variant === '304') return;
  if (variant !== 'identity') res.setHeader('Content-Encoding', variant);
  res.setHeader('Content-Type', wire === 'rest' ? 'application/json; charset=utf-8' : 'application/json');
  res.setHeader('Content-Length', bodyOf(answer, variant).length);
}

/**
 * The first step of every request (http/server.ts): answers a GET or HEAD whose current
 * answer is stored, synchronously, or returns null and does nothing (the request then
 * takes the whole path: helmet, CORS, routing, `serve`). Per request it only looks the raw
 * URL up, runs the read guard, compares the second and the read versions, checks
 * `If-None-Match` and picks the coding; every header field (helmet's and CORS's recorded at
 * start, then the answer's own, set by `answerHeaders` in the same order as on the whole
 * path) is prepared once per answer and variant, and written with one `writeHead`, the
 * body with one `end`. So an answer from here carries the same fields, in the same order,
 * as the same answer from `serve` (only `X-Request-Id`, first, is per request).
 * Returns the route label of the request-duration metric when it answered.
 */
export function cachedAnswerer(app: HttpDeps, answers: AnswerCache, fixed: HeaderRecorder, corsVaries: boolean) {
  const privateAnswer = !!app.config.READ_TOKEN;
  const hits = app.metrics.cacheReads.labels({ result: 'hit' });
  const versions: (string | null)[] = [];

  /** Every field of `answer` sent as `variant`, `X-Request-Id` first with a placeholder value. */
  const headOf = (answer: CachedAnswer, variant: Variant): string[] => {
    let head = answer.heads.get(variant);
    if (!head) {
      const rec = fixed.copy();
      answerHeaders(rec.asResponse(), answer, privateAnswer, variant);
      head = ['X-Request-Id', '', ...rec.flat()];
      answer.heads.set(variant, head);
    }
    return head;
  };

  return (req: IncomingMessage, res: ServerResponse, requestId: string): string | null => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const answer = answers.latest(req.url ?? '');
    if (!answer) return null;
    const { plan } = answer;
    if (corsVaries && req.headers.origin !== undefined) return null;
    if (plan.wire !== 'rest' && wantsStream(req)) return null;
    // Refused: the whole path answers 401 in the route's format.
    if (!mayRead(app.guards, req)) return null;
    versions.length = plan.calls.length;
    for (let i = 0; i < plan.calls.length; i++)
      versions[i] = app.readVersion((plan.calls[i] as { procedure: string }).procedure);
    if (!isCurrent(answer, Math.floor(Date.now() / 1000), versions)) return null;
    if (plan.counted) hits.inc(plan.counted);
    const variant: Variant = matchesEtag(req.headers['if-none-match'], answer.etag)
      ? '304'
      : (chooseCoding(req, answer.body.length) ?? 'identity');
    // Written in place: writeHead reads the list at once and keeps no reference to it.
    const head = headOf(answer, variant);
    head[1] = requestId;
    if (variant === '304') {
      res.writeHead(304, head);
      res.end();
    } else {
      res.writeHead(200, head);
      res.end(bodyOf(answer, variant));
    }
    return plan.route;
  };
}
