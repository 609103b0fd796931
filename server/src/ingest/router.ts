import { ZIncrementalUpdate, ZIncrementalUpdates, ZIngestBatchResult, ZIngestResult } from '@sla/shared';
import { ingestProcedure, router } from '../trpc/trpc.js';
import { type IngestDeps, ingestMany, ingestOne } from './ingest.js';

const TAGS = ['cache'];
const ERRORS =
  'Errors: 400 invalid input (the message names each problem), 401 missing or unknown token, 403 token not allowed for the tenant, 413 body too large, 415 not JSON, 429 rate limited (Retry-After), 503 PostgreSQL unavailable (Retry-After; nothing written).';

/** `cache.incrementalUpdate(s)` = `POST /api/cache/incremental-update(s)`: poller results in. */
export function ingestRouter(d: IngestDeps) {
  return router({
    incrementalUpdate: ingestProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/cache/incremental-update',
          tags: TAGS,
          summary: 'Push one poller result',
          description: `Committed to PostgreSQL before the 2xx, then written to the cache and published. ${ERRORS}`,
          protect: true,
        },
      })
      .input(ZIncrementalUpdate)
      .output(ZIngestResult)
      .mutation(({ ctx, input }) => ingestOne(d, ctx.caller, input)),

    incrementalUpdates: ingestProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/cache/incremental-updates',
          tags: TAGS,
          summary: 'Push up to 1,000 poller results in one transaction',
          description: `All or nothing: over the limit is rejected without writing. ${ERRORS}`,
          protect: true,
        },
      })
      .input(ZIncrementalUpdates)
      .output(ZIngestBatchResult)
      .mutation(({ ctx, input }) => ingestMany(d, ctx.caller, input.updates)),
  });
}
