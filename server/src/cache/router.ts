import {
  ZCacheStatus,
  ZIncrementalUpdate,
  ZIncrementalUpdates,
  ZIngestBatchResult,
  ZIngestResult,
  ZOnChangeInput,
  ZRecentChanges,
  ZRecentChangesInput,
  ZRefreshResult,
} from '@sla/shared';
import { z } from 'zod';
import { ingestMany, ingestOne } from '../ingest/ingest.js';
import { listRecentChanges } from '../live/recent.js';
import { changeStream } from '../live/subscribe.js';
import { ingestProcedure, readProcedure, router } from '../trpc/trpc.js';

const TAGS = ['cache'];
const ERRORS =
  'Errors: 400 invalid input (the message names each problem), 401 missing or unknown token, 403 token not allowed for the tenant, 413 body too large, 415 not JSON, 429 rate limited (Retry-After), 503 PostgreSQL unavailable (Retry-After; nothing written).';

export const cacheRouter = router({
  status: readProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cache/status',
        tags: TAGS,
        summary: 'Cache mode, connections and freshness of this pod',
        protect: false,
      },
    })
    .input(z.void())
    .output(ZCacheStatus)
    .query(({ ctx }) => ctx.app.cache.status()),

  recentChanges: readProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cache/recent-changes',
        tags: TAGS,
        summary: 'Accepted changes, newest first',
        protect: false,
      },
    })
    .input(ZRecentChangesInput)
    .output(ZRecentChanges)
    .query(({ ctx, input }) => listRecentChanges(ctx.app, input)),

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
    .mutation(({ ctx, input }) => ingestOne(ctx.app, ctx.token, input)),

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
    .mutation(({ ctx, input }) => ingestMany(ctx.app, ctx.token, input.updates)),

  refresh: ingestProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cache/refresh',
        tags: TAGS,
        summary: 'Run a full cache refresh now (respects the distributed lock)',
        description: 'Returns started=false and the pod holding the lock when another refresh is running.',
        protect: true,
      },
    })
    .input(z.void())
    .output(ZRefreshResult)
    .mutation(({ ctx }) => ctx.app.cache.refresh('manual')),

  onChange: readProcedure
    .input(ZOnChangeInput)
    .subscription(({ ctx, input, signal }) => changeStream(ctx.app, input, signal)),
});
