import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { appRouter } from '../app-router.js';
import { type Context, createCallerFactory, describeIssues } from '../trpc/trpc.js';
import { readBody } from './body.js';
import { sendJson } from './respond.js';

type Route = { method: string; path: string; procedure: string; maxBody: number; takesInput: boolean };

const MiB = 1024 * 1024;
/** The batch route takes up to 1,000 updates; every other body is capped at 1 MiB. */
const BODY_LIMITS: Record<string, number> = { '/cache/incremental-updates': 8 * MiB };

/** The REST routes, read from the same `openapi` meta the OpenAPI document is generated from. */
export const restRoutes: Route[] = Object.entries(appRouter._def.procedures).flatMap(([name, proc]) => {
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

const createCaller = createCallerFactory(appRouter);

/**
 * Serves the REST routes by calling the router's procedures through `createCaller`, so
 * REST and tRPC share validation, auth and handlers, and the generated OpenAPI document
 * describes exactly these routes. It replaces the stock OpenAPI adapter for three
 * reasons measured or seen here: that adapter builds Fetch objects per request (a large
 * share of the ingest hot path's CPU, see docs/benchmarks.md), it only parses bodies whose
 * content type is exactly `application/json` (a `; charset=utf-8` poller got a confusing
 * validation error), and its 400s say "Input validation failed" instead of the problem.
 */
export async function handleRest(
  app: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const candidates = restRoutes.filter((r) => r.path === path);
  if (candidates.length === 0) return false;
  const route = candidates.find((r) => r.method === req.method);
  if (!route) {
    res.setHeader('Allow', candidates.map((r) => r.method).join(', '));
    sendJson(res, 405, {
      code: 'METHOD_NOT_SUPPORTED',
      message: `${req.method} is not allowed on /api${path}; use ${candidates.map((r) => r.method).join(' or ')}`,
    });
    return true;
  }
  const ctx: Context = {
    app,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    setHeader: (n, v) => res.setHeader(n, v),
  };
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
    sendError(app, res, err);
  }
  return true;
}

function queryInput(req: IncomingMessage): Record<string, string> | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.searchParams.size === 0) return undefined;
  return Object.fromEntries(url.searchParams);
}

export function sendError(app: AppDeps, res: ServerResponse, err: unknown): void {
  const e = err instanceof TRPCError ? err : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: err });
  const status = getHTTPStatusCodeFromError(e);
  const issues = e.cause instanceof z.ZodError ? e.cause.issues : undefined;
  if (status >= 500 && status !== 503) app.log.error({ err: e.cause ?? e }, 'request failed');
  const hidden = status === 500 && app.config.NODE_ENV === 'production';
  // The client may still be uploading an oversized body: do not keep reading it.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, {
    code: e.code,
    message: issues ? describeIssues(issues) : hidden ? 'Internal server error' : e.message,
    ...(issues ? { issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } : {}),
  });
}
