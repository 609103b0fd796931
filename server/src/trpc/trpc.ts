import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { AppError } from '../platform/errors.js';
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
      // An error a subscription throws while streaming never passes the middleware below: its domain code is mapped here.
      return {
        ...shape,
        code: TRPC_ERROR_CODES_BY_KEY[pub.code],
        message: pub.message,
        data: { ...shape.data, code: pub.code, httpStatus: pub.status, issues: pub.issues },
      };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain errors to tRPC errors (and their Retry-After) in one place. */
const domainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
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
