import { ZEntityListInput, ZHistoryInput } from '@sla/shared';
import { z } from 'zod';
import { staleBefore } from '../domain/wire.js';
import { readProcedure, router } from '../trpc/trpc.js';
import { entityHistory } from './history.js';
import { memoSummary } from './memo.js';
import { facets, listEntities, summarize } from './queries.js';

/** Dashboard reads, all answered from the pod's in-process view. */
export const entitiesRouter = router({
  summary: readProcedure
    .input(z.object({ worst: z.number().int().min(0).max(50).default(5) }).default({ worst: 5 }))
    .query(({ ctx, input }) => {
      const { cache, config } = ctx.app;
      cache.hits++;
      return memoSummary(cache.view, input.worst, () =>
        summarize(cache.view, input.worst, staleBefore(config.STALE_AFTER_MINUTES), config.STALE_AFTER_MINUTES),
      );
    }),
  list: readProcedure.input(ZEntityListInput).query(({ ctx, input }) => {
    ctx.app.cache.hits++;
    return listEntities(ctx.app.cache.view, input, staleBefore(ctx.app.config.STALE_AFTER_MINUTES));
  }),
  history: readProcedure.input(ZHistoryInput).query(({ ctx, input }) => entityHistory(ctx.app, input.id, input.days)),
  facets: readProcedure.query(({ ctx }) => {
    ctx.app.cache.hits++;
    return facets(ctx.app.cache.view);
  }),
});
