import type { Caller } from '../domain/entity.js';
import { AppError } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { bearerOf } from '../trpc/bearer.js';
import type { RequestAuth } from '../trpc/context.js';
import { matchToken, type TokenEntry } from '../trpc/tokens.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * The write check behind `ingestProcedure`: a bearer token from INGEST_TOKENS (open, as
 * caller "open", when none are configured outside production), then the per-token rate limit.
 * @throws AppError UNAUTHORIZED (missing or unknown token), RATE_LIMITED (with seconds to wait).
 */
export function ingestGuard(d: {
  tokens: readonly TokenEntry[];
  limiter: RateLimiter;
  metrics: Metrics;
  ratePerSecond: number;
}): (req: RequestAuth) => Caller {
  return (req) => {
    let caller: Caller = { label: 'open', tenants: null };
    if (d.tokens.length > 0) {
      const bearer = bearerOf(req.authorization);
      if (!bearer) throw new AppError('UNAUTHORIZED', 'Missing bearer token: send "Authorization: Bearer <token>"');
      const entry = matchToken(d.tokens, bearer);
      if (!entry) throw new AppError('UNAUTHORIZED', 'Unknown ingest token');
      caller = { label: entry.label, tenants: entry.tenants };
    }
    const wait = d.limiter.take(caller.label);
    if (wait > 0) {
      d.metrics.ingest.inc({ outcome: 'rejected' });
      throw new AppError(
        'RATE_LIMITED',
        `Rate limit of ${d.ratePerSecond} requests/s per token exceeded; retry after ${wait}s`,
        wait,
      );
    }
    return caller;
  };
}
