import type { AnyTRPCRouter } from '@trpc/server';
import type { Context } from '../trpc/context.js';
import { createCallerFactory } from '../trpc/trpc.js';

/** Calls one procedure by its dotted name (`cache.status`, `alerts.rules.list`) with a request's context. */
export type CallProcedure = (ctx: Context, procedure: string, input: unknown) => Promise<unknown>;

/**
 * A server-side caller of `router`'s procedures, as REST and the hot read path use it: the
 * procedure's own input parsing, access check, handler and output validation run.
 * @throws whatever the procedure throws (TRPCError with an AppError cause).
 */
export function procedureCaller(router: AnyTRPCRouter): CallProcedure {
  const createCaller = createCallerFactory(router);
  return (ctx, procedure, input) => {
    // The caller is a proxy that answers every key: walk the path, then call its end.
    let fn: unknown = createCaller(ctx);
    for (const key of procedure.split('.')) fn = (fn as Record<string, unknown>)[key];
    return (fn as (i: unknown) => Promise<unknown>)(input);
  };
}
