import { ZOnChangeInput, ZRecentChanges, ZRecentChangesInput } from '@sla/shared';
import { readProcedure, router } from '../trpc/trpc.js';
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

    onChange: readProcedure.input(ZOnChangeInput).subscription(({ input, signal }) => changeStream(d, input, signal)),
  });
}
