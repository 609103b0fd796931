import { ZOnChangeInput, ZRecentChanges, ZRecentChangesInput } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import { toTRPCError } from '../trpc/errors.js';
import { guardedStream } from '../trpc/stream.js';
import { readProcedure, router } from '../trpc/trpc.js';
import { resumePoint } from './cursor.js';
import type { LiveDeps } from './deps.js';
import { listRecentChanges } from './recent.js';
import { changeStream } from './subscribe.js';

/**
 * `cache.recentChanges` = `GET /api/cache/recent-changes`, and `cache.onChange`, the
 * resumable WebSocket subscription of changes.
 */
export function liveRouter(d: LiveDeps) {
  return router({
    recentChanges: readProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/cache/recent-changes',
          tags: ['cache'],
          summary: 'Accepted changes, newest first',
          protect: false,
        },
      })
      .input(ZRecentChangesInput)
      .output(ZRecentChanges)
      .query(({ input }) => listRecentChanges(d, input)),

    // The cursor is checked before the stream starts, so a bad one fails the subscription itself.
    onChange: readProcedure.input(ZOnChangeInput).subscription(async ({ ctx, input, signal }) => {
      const from = await resumePoint(d, input.lastEventId);
      // A domain error thrown while streaming bypasses the procedure middleware (the adapter
      // would report it as INTERNAL_SERVER_ERROR): it is mapped here, keeping its code.
      return guardedStream(changeStream(d, input, from, signal, ctx.directDelivery === true), {
        error: (err) => (err instanceof AppError ? toTRPCError(err) : err),
      });
    }),
  });
}
