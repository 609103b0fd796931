import { ZIncrementalUpdate, ZIncrementalUpdates } from '@sla/shared';
import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, type AppErrorCode } from '../../../src/platform/errors.js';
import { publicError } from '../../../src/trpc/errors.js';

/** What a client sees when tRPC rejects `input` against `schema` (the real input validation path). */
async function rejection(input: unknown, batch = false): Promise<unknown> {
  const t = initTRPC.create();
  const router = t.router({
    one: t.procedure.input(ZIncrementalUpdate).mutation(() => 'ok'),
    many: t.procedure.input(ZIncrementalUpdates).mutation(() => 'ok'),
  });
  const caller = t.createCallerFactory(router)({});
  try {
    // The input is deliberately invalid: that is what is under test.
    await (batch ? caller.many(input as never) : caller.one(input as never));
  } catch (err) {
    return err;
  }
  throw new Error('input was accepted');
}

const VALID = {
  entityName: 'user_activity_table',
  entityType: 'table',
  teamName: 'PGM',
  tenantName: 'Data Engineering',
  currentSla: 95.5,
  status: 'Passed',
};

describe('publicError', () => {
  it('answers bad input with 400 naming every problem, field by field', async () => {
    const err = await rejection({ ...VALID, currentSla: 101, status: 'passed' });
    const pub = publicError(err);
    expect(pub.status).toBe(400);
    expect(pub.code).toBe('BAD_REQUEST');
    expect(pub.message).toBe(
      'currentSla must be between 0 and 100; status must be one of Passed, Failed, AtRisk, NoData (got "passed")',
    );
    expect(pub.issues).toEqual([
      { path: 'currentSla', message: 'currentSla must be between 0 and 100' },
      { path: 'status', message: 'status must be one of Passed, Failed, AtRisk, NoData (got "passed")' },
    ]);
  });

  it('names which batch item is wrong', async () => {
    const pub = publicError(await rejection({ updates: [VALID, { ...VALID, tenantName: ' ' }] }, true));
    expect(pub.status).toBe(400);
    expect(pub.message).toBe('updates.1.tenantName: tenantName must not be empty');
    expect(pub.issues).toEqual([{ path: 'updates.1.tenantName', message: 'tenantName must not be empty' }]);
  });

  it('names an unknown field by its path, not as "Unrecognized key" at the parent', () => {
    const pub = publicError(
      new TRPCError({
        code: 'BAD_REQUEST',
        cause: z.strictObject({ a: z.number() }).safeParse({ a: 1, bogus: 1, x: 2 }).error,
      }),
    );
    expect(pub.message).toBe('bogus: unknown field; x: unknown field');
    expect(pub.issues).toEqual([
      { path: 'bogus', message: 'unknown field' },
      { path: 'x', message: 'unknown field' },
    ]);
  });

  it('does not name a field twice when the message already starts with its path', () => {
    const schema = z.object({
      t: z.array(z.object({ n: z.number() })).superRefine((_, ctx) => {
        ctx.addIssue({ code: 'custom', path: [0, 'n'], message: 't.0.n (5) must be longer' });
        ctx.addIssue({ code: 'custom', path: [0, 'n'], message: 'n must be even' });
      }),
    });
    const pub = publicError(new TRPCError({ code: 'BAD_REQUEST', cause: schema.safeParse({ t: [{ n: 5 }] }).error }));
    expect(pub.message).toBe('t.0.n (5) must be longer; t.0.n: n must be even');
  });

  it('hides an unexpected error’s message in every mode', () => {
    const boom = new Error('password authentication failed for user "sla"');
    expect(publicError(boom)).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Internal server error',
    });
    const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'pool exhausted', cause: boom });
    expect(publicError(wrapped).message).toBe('Internal server error');
    expect(publicError('a thrown string')).toMatchObject({ status: 500, message: 'Internal server error' });
  });

  it('maps every AppError code to its status and keeps the message the client is meant to read', () => {
    const expected: Record<AppErrorCode, number> = {
      BAD_INPUT: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      CONFLICT: 409,
      NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      UNPROCESSABLE: 422,
      RATE_LIMITED: 429,
      UNAVAILABLE: 503,
    };
    for (const [code, status] of Object.entries(expected) as [AppErrorCode, number][]) {
      const e = new AppError(code, `the ${code} message`);
      expect(publicError(e)).toEqual({ status, code: expect.any(String), message: `the ${code} message` });
      // The same when a middleware already wrapped it (tRPC puts the thrown error in `cause`).
      const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: e });
      expect(publicError(wrapped)).toMatchObject({ status, message: `the ${code} message` });
    }
  });
});
