import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { safeEqual } from '../platform/safe-equal.js';
import { publicProcedure, router } from '../trpc/trpc.js';
import type { SessionSigner } from './session.js';

/**
 * `auth.*`: dashboard sign-in when READ_TOKEN is set; the token is exchanged for a signed
 * session cookie. `signIn` throws AppError UNAUTHORIZED (401) for a wrong token.
 */
export function authRouter(d: { readToken: string | undefined; sessions: SessionSigner }) {
  return router({
    session: publicProcedure.query(({ ctx }) => ({
      required: !!d.readToken,
      signedIn: !d.readToken || d.sessions.verify(ctx.cookie),
    })),
    signIn: publicProcedure.input(z.object({ token: z.string().min(1).max(1024) })).mutation(({ ctx, input }) => {
      if (d.readToken && !safeEqual(input.token, d.readToken))
        throw new AppError('UNAUTHORIZED', 'That token is not valid for this server');
      ctx.setHeader('Set-Cookie', d.sessions.issue());
      return { signedIn: true };
    }),
    signOut: publicProcedure.mutation(({ ctx }) => {
      ctx.setHeader('Set-Cookie', d.sessions.clear());
      return { signedIn: false };
    }),
  });
}
