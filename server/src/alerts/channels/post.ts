import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { type CheckedTarget, checkTarget, pinnedLookup, type TargetGuard, TargetRefused } from './target-guard.js';
import type { DeliveryResult } from './types.js';

/** Bytes of a receiver's answer kept (Slack's JSON answers are far smaller); the rest is discarded. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** What one POST got: a DeliveryResult (its `ok` and `retryable` by the status alone) and the answer's text. */
export type PostOutcome = DeliveryResult & { body: string };

/** How to POST: the allow-list and the whole attempt's deadline (DNS, connect, answer), in ms. */
export type PostOptions = { guard: TargetGuard; timeoutMs: number };

/**
 * Whether an HTTP status is worth retrying: 408 (timeout), 429 (rate limited) and 5xx are the
 * receiver's passing trouble; any other 4xx (and a 3xx, since redirects are not followed, so
 * a redirect cannot lead to a refused address) will fail the same way again.
 */
export const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * POSTs `body` (JSON) to `url` after `checkTarget`, connecting only to the addresses it
 * checked (`pinnedLookup`), without a shared agent (every attempt its own connection, so a
 * pooled socket can never stand in for a check). Never throws: a refused target is a
 * non-retryable failure whose error starts with `refused:` and no connection is made; a
 * timeout (`timeoutMs` over the whole attempt) or a connection error is retryable. Errors
 * name the host, never the URL's path or query (a Slack webhook's path is its credential).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string, retryable: boolean, status: number | null = null): PostOutcome => ({
    ok: false,
    status,
    error,
    retryable,
    durationMs: elapsed(),
    body: '',
  });
  let host = '';
  let deadline: NodeJS.Timeout | undefined;
  // At the deadline the race below answers and the abort destroys the request's socket.
  const abort = new AbortController();
  const timedOut = new Promise<'timeout'>((resolve) => {
    deadline = setTimeout(() => {
      resolve('timeout');
      abort.abort();
    }, options.timeoutMs);
  });
  try {
    host = new URL(url).host;
    const target = await Promise.race([checkTarget(url, options.guard), timedOut]);
    if (target === 'timeout') return fail(`timed out after ${options.timeoutMs} ms resolving ${host}`, true);
    const answer = await Promise.race([request(target, body, headers, abort.signal), timedOut]);
    if (answer === 'timeout') return fail(`timed out after ${options.timeoutMs} ms waiting for ${host}`, true);
    const ok = answer.status >= 200 && answer.status < 300;
    return {
      ok,
      status: answer.status,
      error: ok ? null : `${host} answered HTTP ${answer.status}`,
      retryable: !ok && retryableStatus(answer.status),
      durationMs: elapsed(),
      body: answer.body,
    };
  } catch (err) {
    if (err instanceof TargetRefused) return fail(err.message, false);
    const code = (err as NodeJS.ErrnoException).code;
    return fail(`could not reach ${host || 'the target'}${code ? ` (${code})` : ''}`, true);
  } finally {
    clearTimeout(deadline);
  }
}

/** One request to a checked target; `signal` (the caller's deadline) destroys its socket. */
function request(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target.url, {
      method: 'POST',
      agent: false,
      signal,
      lookup: pinnedLookup(target),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'sla-service-alerts',
        ...headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(c);
        size += c.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES),
        });
      });
    });
    req.end(body);
  });
}
