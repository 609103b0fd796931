import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z } from 'zod';
import { AppError, type AppErrorCode } from '../platform/errors.js';

const TRPC_CODE: Record<AppErrorCode, TRPCError['code']> = {
  BAD_INPUT: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_SUPPORTED',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNPROCESSABLE: 'UNPROCESSABLE_CONTENT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** The tRPC error for a domain error, keeping it as the cause. */
export const toTRPCError = (e: AppError): TRPCError =>
  new TRPCError({ code: TRPC_CODE[e.code], message: e.message, cause: e });

/** Any thrown value as a tRPC error: domain errors by their code, anything else a 500. */
export function asTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err.cause instanceof AppError ? toTRPCError(err.cause) : err;
  if (err instanceof AppError) return toTRPCError(err);
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: err });
}

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

export type PublicError = {
  status: number;
  code: TRPCError['code'];
  message: string;
  issues?: { path: string; message: string }[];
};

/**
 * What a client may see of an error, for both transports: validation problems named
 * field by field; an unexpected (500) error's message only when `exposeInternal` (outside
 * production) — stacks never. The one place that hides internals.
 */
export function publicError(err: unknown, exposeInternal: boolean): PublicError {
  const e = asTRPCError(err);
  const status = getHTTPStatusCodeFromError(e);
  const issues = e.cause instanceof z.ZodError ? e.cause.issues : undefined;
  const hidden = status === 500 && !exposeInternal;
  return {
    status,
    code: e.code,
    message: issues ? describeIssues(issues) : hidden ? 'Internal server error' : e.message,
    ...(issues ? { issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } : {}),
  };
}
