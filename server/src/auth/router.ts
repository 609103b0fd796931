import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { safeEqual } from '../platform/safe-equal.js';
import { publicProcedure, router } from '../trpc/trpc.js';

/** Dashboard sign-in when READ_TOKEN is set: the token is exchanged for a signed session cookie. */
export const authRouter = router({
  session: publicProcedure.query(({ ctx }) => ({
    required: !!ctx.app.config.READ_TOKEN,
    signedIn: !ctx.app.config.READ_TOKEN || ctx.app.sessions.verify(ctx.cookie),
  })),
  signIn: publicProcedure.input(z.object({ token: z.string().min(1).max(1024) })).mutation(({ ctx, input }) => {
    const required = ctx.app.config.READ_TOKEN;
    if (required && !safeEqual(input.token, required))
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'That token is not valid for this server' });
    ctx.setHeader('Set-Cookie', ctx.app.sessions.issue());
    return { signedIn: true };
  }),
  signOut: publicProcedure.mutation(({ ctx }) => {
    ctx.setHeader('Set-Cookie', ctx.app.sessions.clear());
    return { signedIn: false };
  }),
});
