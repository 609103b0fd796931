import { ZEntityListInput, ZHistoryInput } from '@sla/shared';
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { staleBefore } from '../domain/wire.js';
import { AppError } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { readProcedure, router } from '../trpc/trpc.js';
import { entityHistory } from './history.js';
import { memoSummary } from './memo.js';
import { facets, listEntities, summarize } from './queries.js';
import type { EntityView } from './view.js';

export type ReadModelDeps = {
  view: EntityView;
  sql: Sql;
  metrics: Metrics;
  staleAfterMinutes: number;
  /** False until the pod's view is loaded: until then the view's emptiness is not an answer. */
  loaded?: () => boolean;
};

/** `entities.*`: dashboard reads, answered from the pod's in-process view (history from the log). */
export function entitiesRouter(d: ReadModelDeps) {
  // A pod still waiting for PostgreSQL or Redis has an empty view: 503 + Retry-After, not "no entities".
  const hit = () => {
    if (d.loaded && !d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; retry shortly', 2);
    d.metrics.cacheReads.inc({ result: 'hit' });
  };
  return router({
    summary: readProcedure
      .input(z.object({ worst: z.number().int().min(0).max(50).default(5) }).default({ worst: 5 }))
      .query(({ input }) => {
        hit();
        return memoSummary(d.view, input.worst, () =>
          summarize(d.view, input.worst, staleBefore(d.staleAfterMinutes), d.staleAfterMinutes),
        );
      }),
    list: readProcedure.input(ZEntityListInput).query(({ input }) => {
      hit();
      return listEntities(d.view, input, staleBefore(d.staleAfterMinutes));
    }),
    history: readProcedure.input(ZHistoryInput).query(({ input }) => entityHistory(d, input.id, input.days)),
    facets: readProcedure.query(() => {
      hit();
      return facets(d.view);
    }),
  });
}
