import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Logger } from 'pino';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { isInternal, publicError } from '../trpc/errors.js';
import { readBody } from './body.js';
import { type CallProcedure, procedureCaller } from './call.js';
import { contextFor, type HttpDeps } from './deps.js';
import { sendJson } from './respond.js';
import { assertSameOrigin } from './same-origin.js';

type Route = {
  method: string;
  path: string;
  procedure: string;
  maxBody: number;
  takesInput: boolean;
  /** The path as a pattern: `{name}` segments match one segment each. */
  pattern: RegExp;
  /** Names of the `{name}` segments, in order. */
  params: string[];
};

/** A path template (`/windows/{id}`) as a pattern and its parameter names. */
function template(path: string): Pick<Route, 'pattern' | 'params'> {
  const params: string[] = [];
  const source = path
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), params };
}

/**
 * The path parameters of `path` under `route` (decoded), as input fields.
 * @throws AppError BAD_INPUT naming a parameter that is not valid %-encoded UTF-8.
 */
function pathParams(route: Route, path: string): Record<string, string> {
  const m = route.pattern.exec(path);
  const out: Record<string, string> = {};
  route.params.forEach((name, i) => {
    try {
      out[name] = decodeURIComponent(m?.[i + 1] ?? '');
    } catch {
      throw new AppError('BAD_INPUT', `${name}: not valid %-encoded UTF-8`);
    }
  });
  return out;
}

const MiB = 1024 * 1024;
/** The batch route takes up to 1,000 updates; every other body is capped at 1 MiB. */
const BODY_LIMITS: Record<string, number> = { '/cache/incremental-updates': 8 * MiB };

/** The REST routes, read from the same `openapi` meta the OpenAPI document is generated from. */
const restRoutes = (router: AnyTRPCRouter): Route[] =>
  Object.entries(router._def.procedures).flatMap(([name, proc]) => {
    const def = (proc as unknown as { _def: { meta?: OpenApiMeta; inputs: unknown[] } })._def;
    const openapi = def.meta?.openapi;
    if (!openapi) return [];
    const takesInput = !def.inputs.every((i) => i instanceof z.ZodVoid);
    return [
      {
        method: openapi.method,
        path: openapi.path,
        procedure: name,
        maxBody: BODY_LIMITS[openapi.path] ?? MiB,
        takesInput,
        ...template(openapi.path),
      },
    ];
  });

/**
 * Serves the REST routes by calling the router's procedures through `createCaller`, so
 * REST and tRPC share validation, auth and handlers, and the generated OpenAPI document
 * describes exactly these routes. It replaces the stock OpenAPI adapter for three
 * reasons measured or seen here: that adapter builds Fetch objects per request (a large
 * share of the ingest hot path's CPU, see docs/benchmarks.md), it only parses bodies whose
 * content type is exactly `application/json` (a `; charset=utf-8` poller got a confusing
 * validation error), and its 400s say "Input validation failed" instead of the problem.
 */
export function restHandler(d: HttpDeps, origins: ReadonlySet<string>) {
  const routes = restRoutes(d.router);
  const call = procedureCaller(d.router);
  return (req: IncomingMessage, res: ServerResponse, path: string) =>
    handleRest(d, routes, origins, call, req, res, path);
}

async function handleRest(
  d: HttpDeps,
  routes: Route[],
  origins: ReadonlySet<string>,
  call: CallProcedure,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  // A literal path (`/windows/occurrences`) wins over a template that also matches it (`/windows/{id}`).
  const literal = routes.filter((r) => r.path === path);
  const candidates = literal.length > 0 ? literal : routes.filter((r) => r.pattern.test(path));
  if (candidates.length === 0) return false;
  // HEAD is GET without the body (RFC 9110 §9.3.2); node:http leaves the body out itself.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const route = candidates.find((r) => r.method === method);
  if (!route) {
    const allowed = candidates.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]));
    res.setHeader('Allow', allowed.join(', '));
    sendError(
      d,
      res,
      new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on /api${path}; use ${allowed.join(' or ')}`),
    );
    return true;
  }
  const ctx = contextFor(d, req, res);
  try {
    // A browser may only change state from this server's pages: a session cookie rides along.
    if (route.method !== 'GET') assertSameOrigin(req, origins);
    // A route without input (e.g. POST /cache/refresh) ignores whatever body a client sends;
    // GET and DELETE take the query string, the others a JSON body; path parameters join either,
    // and so do query parameters of a POST (`POST /api/config/reload?dryRun=true`).
    const params = pathParams(route, path);
    const input = !route.takesInput
      ? undefined
      : route.method === 'GET' || route.method === 'DELETE'
        ? { ...queryInput(req), ...params }
        : withParams(await readBody(req, route.maxBody), { ...queryInput(req), ...params });
    sendJson(res, 200, await call(ctx, route.procedure, input));
  } catch (err) {
    sendError(d, res, err);
  }
  return true;
}

/** A JSON body with the path parameters set on it (a body that is no object is left to the input's validation). */
const withParams = (body: unknown, params: Record<string, string>): unknown =>
  Object.keys(params).length > 0 && typeof body === 'object' && body !== null && !Array.isArray(body)
    ? { ...body, ...params }
    : body;

/**
 * The query string as the procedure's input object: `{}` without one (every parameter of
 * a GET route is optional or defaulted). A parameter given twice is refused rather than
 * silently taking one of the values, and one that is not valid %-encoded UTF-8 rather than
 * read as something else.
 * @throws AppError BAD_INPUT naming the repeated or badly encoded parameter.
 */
export function queryInput(req: IncomingMessage): Record<string, string> {
  const input: Record<string, string> = {};
  const url = new URL(req.url ?? '/', 'http://x');
  // URLSearchParams decodes leniently (a broken escape kept as text, invalid UTF-8 as U+FFFD),
  // which would turn a garbled filter into an empty answer; each part must decode strictly.
  for (const part of url.search.slice(1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      const name = part.split('=')[0] ?? '';
      throw new AppError(
        'BAD_INPUT',
        `${name.length <= 40 ? name : 'a query parameter'}: not valid %-encoded UTF-8; encode it with encodeURIComponent`,
      );
    }
  }
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(input, name))
      throw new AppError('BAD_INPUT', `${name}: query parameter given more than once; send it once`);
    input[name] = value;
  }
  return input;
}

/**
 * Answers an error as JSON `{ code, message, issues? }` with its HTTP status (see
 * trpc/errors.ts `publicError`); unexpected errors are logged with their cause.
 */
export function sendError(d: { log: Logger }, res: ServerResponse, err: unknown): void {
  const pub = publicError(err);
  if (isInternal(pub)) d.log.error({ err }, 'request failed');
  // The client may still be uploading an oversized body: do not keep reading it.
  if (pub.status === 413) res.setHeader('Connection', 'close');
  sendJson(res, pub.status, { code: pub.code, message: pub.message, ...(pub.issues ? { issues: pub.issues } : {}) });
}
