import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Logger } from 'pino';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { publicError } from '../trpc/errors.js';
import { createCallerFactory } from '../trpc/trpc.js';
import { readBody } from './body.js';
import { contextFor, type HttpDeps } from './deps.js';
import { sendJson } from './respond.js';

type Route = { method: string; path: string; procedure: string; maxBody: number; takesInput: boolean };

const MiB = 1024 * 1024;
/** The batch route takes up to 1,000 updates; every other body is capped at 1 MiB. */
const BODY_LIMITS: Record<string, number> = { '/cache/incremental-updates': 8 * MiB };

/** The REST routes, read from the same `openapi` meta the OpenAPI document is generated from. */
export const restRoutes = (router: AnyTRPCRouter): Route[] =>
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
export function restHandler(d: HttpDeps) {
  const routes = restRoutes(d.router);
  const createCaller = createCallerFactory(d.router);
  return (req: IncomingMessage, res: ServerResponse, path: string) =>
    handleRest(d, routes, createCaller, req, res, path);
}

async function handleRest(
  d: HttpDeps,
  routes: Route[],
  createCaller: (ctx: ReturnType<typeof contextFor>) => unknown,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const candidates = routes.filter((r) => r.path === path);
  if (candidates.length === 0) return false;
  const route = candidates.find((r) => r.method === req.method);
  if (!route) {
    res.setHeader('Allow', candidates.map((r) => r.method).join(', '));
    sendError(
      d,
      res,
      new AppError(
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on /api${path}; use ${candidates.map((r) => r.method).join(' or ')}`,
      ),
    );
    return true;
  }
  const ctx = contextFor(d, req, res);
  try {
    // A route without input (e.g. POST /cache/refresh) ignores whatever body a client sends.
    const input = !route.takesInput
      ? undefined
      : route.method === 'GET'
        ? queryInput(req)
        : await readBody(req, route.maxBody);
    const [ns, name] = route.procedure.split('.') as [string, string];
    const caller = createCaller(ctx) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    const data = await (caller[ns] as Record<string, (i: unknown) => Promise<unknown>>)[name]?.(input);
    sendJson(res, 200, data);
  } catch (err) {
    sendError(d, res, err);
  }
  return true;
}

function queryInput(req: IncomingMessage): Record<string, string> | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.searchParams.size === 0) return undefined;
  return Object.fromEntries(url.searchParams);
}

/**
 * Answers an error as JSON `{ code, message, issues? }` with its HTTP status (see
 * trpc/errors.ts `publicError`); unexpected errors are logged with their cause.
 */
export function sendError(d: { config: HttpDeps['config']; log: Logger }, res: ServerResponse, err: unknown): void {
  const pub = publicError(err, d.config.NODE_ENV !== 'production');
  if (pub.status >= 500 && pub.status !== 503) d.log.error({ err }, 'request failed');
  // The client may still be uploading an oversized body: do not keep reading it.
  if (pub.status === 413) res.setHeader('Connection', 'close');
  sendJson(res, pub.status, { code: pub.code, message: pub.message, ...(pub.issues ? { issues: pub.issues } : {}) });
}
