import type { AnyTRPCRouter } from '@trpc/server';
import type { Context } from '../trpc/context.js';
import { createCallerFactory } from '../trpc/trpc.js';

/** Calls one procedure by its dotted name (`cache.status`) with a request's context. */
export type CallProcedure = (ctx: Context, procedure: string, input: unknown) => Promise<unknown>;

/**
 * A server-side caller of `router`'s procedures, as REST and the hot read path use it: the
 * procedure's own input parsing, access check, handler and output validation run.
 * @throws whatever the procedure throws (TRPCError with an AppError cause).
 */
export function procedureCaller(router: AnyTRPCRouter): CallProcedure {
  const createCaller = createCallerFactory(router);
  return (ctx, procedure, input) => {
    const [ns, name] = procedure.split('.') as [string, string];
    const caller = createCaller(ctx) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    const fn = caller[ns]?.[name];
    if (!fn) return Promise.reject(new Error(`no procedure ${procedure}`));
    return fn(input);
  };
}
