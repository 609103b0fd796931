import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { bearerOf, matchToken } from '../ingest/tokens.js';
import { AppError, toTRPCError } from '../platform/errors.js';
import { safeEqual } from '../platform/safe-equal.js';

/** What every procedure sees: the pod's services and what the request proved about itself. */
export type Context = {
  app: AppDeps;
  authorization: string | undefined;
  cookie: string | undefined;
  setHeader: (name: string, value: string) => void;
};

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    isDev: process.env.NODE_ENV !== 'production',
    errorFormatter({ shape, error }) {
      const issues = error.cause instanceof z.ZodError ? error.cause.issues : undefined;
      const hidden = error.code === 'INTERNAL_SERVER_ERROR' && process.env.NODE_ENV === 'production';
      return {
        ...shape,
        message: issues ? describeIssues(issues) : hidden ? 'Internal server error' : shape.message,
        data: { ...shape.data, issues: issues?.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      };
    },
  });

/** "currentSla: currentSla must be between 0 and 100; status: …": names every problem. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.join('.');
      // A nested path (a batch item) is always named, so the message says which item is wrong.
      return path && (i.path.length > 1 || !i.message.startsWith(String(i.path.at(-1))))
        ? `${path}: ${i.message}`
        : i.message;
    })
    .join('; ');
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain errors to tRPC errors in one place. */
const domainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    if (cause.retryAfterSeconds) ctx.setHeader('Retry-After', String(cause.retryAfterSeconds));
    result.error = toTRPCError(cause);
  }
  return result;
});

/** Reads: open unless READ_TOKEN is set, then a bearer READ_TOKEN or a signed session cookie. */
export const readProcedure = t.procedure.use(domainErrors).use(({ ctx, next }) => {
  const required = ctx.app.config.READ_TOKEN;
  if (required) {
    const bearer = bearerOf(ctx.authorization);
    if (!(bearer && safeEqual(bearer, required)) && !ctx.app.sessions.verify(ctx.cookie))
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: 'This server requires a read token: send "Authorization: Bearer <READ_TOKEN>" or sign in',
      });
  }
  return next();
});

/** Writes by pollers: a bearer token from INGEST_TOKENS (open when none are configured outside production). */
export const ingestProcedure = t.procedure.use(domainErrors).use(({ ctx, next }) => {
  const { tokens, limiter } = ctx.app;
  let label = 'open';
  let tenants: Set<string> | null = null;
  if (tokens.length > 0) {
    const bearer = bearerOf(ctx.authorization);
    if (!bearer)
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: 'Missing bearer token: send "Authorization: Bearer <token>"',
      });
    const entry = matchToken(tokens, bearer);
    if (!entry) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Unknown ingest token' });
    label = entry.label;
    tenants = entry.tenants;
  }
  const wait = limiter.take(label);
  if (wait > 0) {
    ctx.setHeader('Retry-After', String(wait));
    ctx.app.metrics.ingest.inc({ outcome: 'rejected' });
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Rate limit of ${ctx.app.config.INGEST_RATE_LIMIT} requests/s per token exceeded; retry after ${wait}s`,
    });
  }
  return next({ ctx: { token: { label, tenants } } });
});

export const publicProcedure = t.procedure.use(domainErrors);
