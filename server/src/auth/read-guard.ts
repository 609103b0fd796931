import { AppError } from '../platform/errors.js';
import { safeEqual } from '../platform/safe-equal.js';
import { bearerOf } from '../trpc/bearer.js';
import type { RequestAuth } from '../trpc/context.js';
import { matchToken } from '../trpc/tokens.js';
import { type AdminSource, sessionAdmin } from './admin.js';

/**
 * The read check behind `readProcedure`: open when `readToken` is unset, else a bearer
 * READ_TOKEN or admin token, or a session cookie signed by `sessions` (an admin's only while
 * its token is still configured).
 * @throws AppError UNAUTHORIZED naming both ways in.
 */
export function readGuard(readToken: string | undefined, admins: AdminSource): (req: RequestAuth) => void {
  return (req) => {
    if (!readToken) return;
    const bearer = bearerOf(req.authorization);
    if (bearer && safeEqual(bearer, readToken)) return;
    if (bearer && matchToken(admins.tokens, bearer)?.role === 'admin') return;
    const session = admins.sessions.read(req.cookie);
    if (session && (!session.admin || sessionAdmin(admins.tokens, session.admin))) return;
    throw new AppError(
      'UNAUTHORIZED',
      'This server requires a read token: send "Authorization: Bearer <READ_TOKEN>" or sign in',
    );
  };
}
