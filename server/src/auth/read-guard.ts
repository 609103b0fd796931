import { AppError } from '../platform/errors.js';
import { safeEqual } from '../platform/safe-equal.js';
import { bearerOf } from '../trpc/bearer.js';
import type { RequestAuth } from '../trpc/context.js';
import type { SessionSigner } from './session.js';

/**
 * The read check behind `readProcedure`: open when `readToken` is unset, else a bearer
 * READ_TOKEN or a session cookie signed by `sessions`.
 * @throws AppError UNAUTHORIZED naming both ways in.
 */
export function readGuard(readToken: string | undefined, sessions: SessionSigner): (req: RequestAuth) => void {
  return (req) => {
    if (!readToken) return;
    const bearer = bearerOf(req.authorization);
    if (bearer && safeEqual(bearer, readToken)) return;
    if (sessions.verify(req.cookie)) return;
    throw new AppError(
      'UNAUTHORIZED',
      'This server requires a read token: send "Authorization: Bearer <READ_TOKEN>" or sign in',
    );
  };
}
