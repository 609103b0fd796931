import { ZIncrementalUpdate, ZIncrementalUpdates, ZIngestBatchResult, ZIngestResult } from '@sla/shared';
import { z } from 'zod';
import { ingestProcedure, router } from '../trpc/trpc.js';
import { type IngestDeps, ingestMany, ingestOne } from './ingest.js';

const TAGS = ['cache'];

const contract = (d: IngestDeps) =>
  [
    `observedAt (your clock; default the server's) may be at most ${d.maxFutureSkewSeconds} s ahead of the server's clock (INGEST_MAX_FUTURE_SKEW_SECONDS): a result from the future would freeze its entity.`,
    'replace: true forces the result to become the current state whatever the stored observedAt (to repair an entity frozen by a result dated in the future); any token allowed to write the tenant may send it, and the change log records it with source "<token label> (replace)".',
    'Retries: a 2xx means committed. A 503 says either "nothing was written" (retry) or that the outcome is unknown (the connection failed during the commit): retry with the same Idempotency-Key header, which answers the first outcome again (header Idempotent-Replayed: true) instead of writing twice; without one, only a result carrying observedAt is recognised as a duplicate.',
    'Errors: 400 invalid input (the message names each problem and batch item), 401 missing or unknown token, 403 token not allowed for the tenant, 413 body too large, 415 not JSON or an unsupported Content-Encoding, 422 Idempotency-Key already used for a different request, 429 rate limited (Retry-After), 503 PostgreSQL unavailable or outcome unknown (Retry-After).',
  ].join(' ');

/** The header documented on both routes (read from the request by the context, not from the body). */
const headers = z.object({
  'Idempotency-Key': z
    .string()
    .optional()
    .describe(
      'Makes a retry safe: a request repeated with the same key (per token, remembered INGEST_IDEMPOTENCY_TTL_HOURS) gets the first answer again without writing; the same key with another body is refused (422). 1 to 255 printable ASCII characters, e.g. a UUID.',
    ),
});

const errorResponses = {
  400: 'Invalid input: the message names each problem (and the batch item index)',
  401: 'Missing or unknown bearer token',
  403: 'The token may not write this tenant',
  422: 'Idempotency-Key already used for a different request',
  500: 'Internal server error',
};

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
          description: `Committed to PostgreSQL before the 2xx, then written to the cache and published. ${contract(d)}`,
          protect: true,
          requestHeaders: headers,
          errorResponses,
        },
      })
      .input(ZIncrementalUpdate)
      .output(ZIngestResult)
      .mutation(({ ctx, input }) => ingestOne(d, ctx, input)),

    incrementalUpdates: ingestProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/cache/incremental-updates',
          tags: TAGS,
          summary: 'Push up to 1,000 poller results in one transaction',
          description: `All or nothing: over the limit is rejected without writing. ${contract(d)}`,
          protect: true,
          requestHeaders: headers,
          errorResponses,
        },
      })
      .input(ZIncrementalUpdates)
      .output(ZIngestBatchResult)
      .mutation(({ ctx, input }) => ingestMany(d, ctx, input.updates)),
  });
}
