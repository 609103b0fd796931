import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z } from 'zod';
import { AppError, type AppErrorCode } from '../platform/errors.js';
import { describeIssues, issueLines } from '../platform/issues.js';

const TRPC_CODE: Record<AppErrorCode, TRPCError['code']> = {
  BAD_INPUT: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
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

export type PublicError = {
  status: number;
  code: TRPCError['code'];
  message: string;
  issues?: { path: string; message: string }[];
};

/**
 * A parser's message about a body it could not read, fit to show: a JSON parser quotes the
 * start of the input, which for a compressed or binary body is raw bytes. Characters
 * outside printable ASCII are escaped and the message is capped at 200 characters.
 */
export function describeUnreadable(message: string): string {
  const printable = message.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return printable.length > 200 ? `${printable.slice(0, 200)}...` : printable;
}

/**
 * What a client may see of an error, for every transport (REST, tRPC over HTTP and
 * WebSocket, subscriptions): validation problems named field by field; an unexpected
 * (500) error only as "Internal server error", in every mode, since its message may
 * carry SQL text or other internals (the caller logs it instead). The one place that
 * hides internals; stacks never leave the server.
 */
export function publicError(err: unknown): PublicError {
  const e = asTRPCError(err);
  const status = getHTTPStatusCodeFromError(e);
  // A domain error's message is written for the client; any other 5xx (including a failed
  // output validation, whose issues describe the server's data) is not.
  const internal = status >= 500 && !(e.cause instanceof AppError);
  const issues = !internal && e.cause instanceof z.ZodError ? e.cause.issues : undefined;
  const message = internal
    ? 'Internal server error'
    : issues
      ? describeIssues(issues)
      : e.cause instanceof SyntaxError
        ? `Malformed JSON: ${describeUnreadable(e.cause.message)}`
        : e.message;
  return {
    status,
    code: e.code,
    message,
    ...(issues ? { issues: issueLines(issues) } : {}),
  };
}

/** True when an error is the server's fault (a 500 the client cannot act on): log it. */
export const isInternal = (pub: PublicError): boolean => pub.status >= 500 && pub.status !== 503;
