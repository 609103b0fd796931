import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { AppError, dataExceptionAsBadInput } from '../platform/errors.js';
import type { Context } from './context.js';
import { asTRPCError, publicError } from './errors.js';
import { guardedStream } from './stream.js';

/** The only `initTRPC` of the server; domains build their routers from what this file exports. */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // Stacks and messages of unexpected errors never leave the server (see publicError).
    isDev: false,
    errorFormatter({ shape, error }) {
      const pub = publicError(error);
      // An error a subscription throws while streaming never passes the middleware below: its domain code is mapped here.
      return {
        ...shape,
        code: TRPC_ERROR_CODES_BY_KEY[pub.code],
        message: pub.message,
        data: { ...shape.data, code: pub.code, httpStatus: pub.status, issues: pub.issues },
      };
    },
  });

/** Builds a domain router from procedures. */
export const router = t.router;
/** Merges routers at one level (several domains share the `cache.*` keys). */
export const mergeRouters = t.mergeRouters;
/** Server-side callers of a router (REST routes call procedures through one). */
export const createCallerFactory = t.createCallerFactory;

/**
 * Maps domain errors to tRPC errors (and their Retry-After) in one place, and a PostgreSQL
 * data exception from any procedure's SQL to a 400 (input validation should have caught it).
 */
const domainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause instanceof AppError ? result.error.cause : dataExceptionAsBadInput(result.error);
  if (cause) {
    if (cause.retryAfterSeconds) ctx.setHeader('Retry-After', String(cause.retryAfterSeconds));
    result.error = asTRPCError(cause);
  }
  return result;
});

/**
 * Holds a WebSocket connection to `ctx.subscriptions.max` open subscriptions: each one
 * takes a slot until its stream ends or is stopped (its signal aborts), so one client
 * cannot make the pod follow the change feed for it without bound.
 * @throws AppError RATE_LIMITED naming the limit.
 */
const subscriptionBudget = t.middleware(async ({ ctx, type, signal, next }) => {
  const budget = ctx.subscriptions;
  if (type !== 'subscription' || !budget) return next();
  if (budget.open >= budget.max)
    throw new AppError(
      'RATE_LIMITED',
      `This connection already has ${budget.max} subscriptions open; stop one before starting another`,
    );
  budget.open++;
  let held = true;
  const release = () => {
    if (held) budget.open--;
    held = false;
  };
  signal?.addEventListener('abort', release, { once: true });
  const result = await next();
  if (!result.ok) release();
  else if (isAsyncIterable(result.data)) result.data = guardedStream(result.data, { end: release });
  return result;
});

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

/** No access check (sign-in, session state). */
export const publicProcedure = t.procedure.use(domainErrors).use(subscriptionBudget);

/** Reads: whatever `guards.read` accepts (open unless READ_TOKEN is set). */
export const readProcedure = publicProcedure.use(({ ctx, next }) => {
  ctx.guards.read(ctx);
  return next();
});

/** Writes by pollers: `ctx.caller` is who the ingest token proved to be. */
export const ingestProcedure = publicProcedure.use(({ ctx, next }) =>
  next({ ctx: { caller: ctx.guards.ingest(ctx) } }),
);

/**
 * Changes by an admin (windows, tenant settings): `ctx.admin` is who the bearer admin token
 * or admin session proved to be. Check the tenant of what is changed with `assertAdminOf`.
 */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { admin: ctx.guards.admin(ctx) } }));
