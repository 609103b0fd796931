import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { AppError, dataExceptionAsBadInput } from '../platform/errors.js';
import type { Context } from './context.js';
import { asTRPCError, publicError } from './errors.js';

/** The only `initTRPC` of the server; domains build their routers from what this file exports. */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // Stacks never leave the server; messages of unexpected errors only outside production.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const pub = publicError(error, ctx?.exposeInternalErrors ?? false);
      return { ...shape, message: pub.message, data: { ...shape.data, issues: pub.issues } };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;
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

/** No access check (sign-in, session state). */
export const publicProcedure = t.procedure.use(domainErrors);

/** Reads: whatever `guards.read` accepts (open unless READ_TOKEN is set). */
export const readProcedure = publicProcedure.use(({ ctx, next }) => {
  ctx.guards.read(ctx);
  return next();
});

/** Writes by pollers: `ctx.caller` is who the ingest token proved to be. */
export const ingestProcedure = publicProcedure.use(({ ctx, next }) =>
  next({ ctx: { caller: ctx.guards.ingest(ctx) } }),
);
