import { type CacheStatus, type RefreshResult, ZCacheStatus, ZRefreshResult } from '@sla/shared';
import { z } from 'zod';
import { ingestProcedure, readProcedure, router } from '../trpc/trpc.js';

/** `cache.status` = `GET /api/cache/status` and `cache.refresh` = `POST /api/cache/refresh`. */
export function cacheRouter(d: {
  status: () => Promise<CacheStatus>;
  refresh: (trigger: string) => Promise<RefreshResult>;
}) {
  return router({
    status: readProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/cache/status',
          tags: ['cache'],
          summary: 'Cache mode, connections and freshness of this pod',
          protect: false,
        },
      })
      .input(z.void())
      .output(ZCacheStatus)
      .query(() => d.status()),

    refresh: ingestProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/cache/refresh',
          tags: ['cache'],
          summary: 'Run a full cache refresh now (respects the distributed lock)',
          description: 'Returns started=false and the pod holding the lock when another refresh is running.',
          protect: true,
        },
      })
      .input(z.void())
      .output(ZRefreshResult)
      .mutation(() => d.refresh('manual')),
  });
}
