import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { safeEqual } from '../platform/safe-equal.js';
import { matchToken } from '../trpc/tokens.js';
import { publicProcedure, router } from '../trpc/trpc.js';
import { type AdminSource, claimFor, sessionAdmin } from './admin.js';

/**
 * `auth.*`: dashboard sign-in. A READ_TOKEN (when set) or an admin token from INGEST_TOKENS is
 * exchanged for a signed session cookie; an admin's session lets the dashboard make changes
 * for the admin's tenants. `signIn` throws AppError UNAUTHORIZED (401) for any other token.
 */
export function authRouter(d: { readToken: string | undefined } & AdminSource) {
  return router({
    session: publicProcedure.query(({ ctx }) => {
      const session = d.sessions.read(ctx.cookie);
      const admin = sessionAdmin(d.tokens, session?.admin ?? null);
      const valid = session !== null && (!session.admin || admin !== null);
      return {
        required: !!d.readToken,
        signedIn: !d.readToken || valid,
        /** The signed-in admin (tenants null = every tenant), or null for a reader or no session. */
        admin: admin ? { name: admin.label, tenants: admin.tenants ? [...admin.tenants].sort() : null } : null,
      };
    }),
    signIn: publicProcedure.input(z.object({ token: z.string().min(1).max(1024) })).mutation(({ ctx, input }) => {
      const entry = matchToken(d.tokens, input.token);
      if (entry?.role === 'admin') {
        ctx.setHeader('Set-Cookie', d.sessions.issue(Date.now(), claimFor(entry)));
        return { signedIn: true, admin: true };
      }
      if (d.readToken && !safeEqual(input.token, d.readToken))
        throw new AppError('UNAUTHORIZED', 'That token is not valid for this server');
      ctx.setHeader('Set-Cookie', d.sessions.issue());
      return { signedIn: true, admin: false };
    }),
    signOut: publicProcedure.mutation(({ ctx }) => {
      ctx.setHeader('Set-Cookie', d.sessions.clear());
      return { signedIn: false };
    }),
  });
}
