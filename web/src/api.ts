import type { EntityBudget, TenantBudget } from '@sla/shared';
import type { keepPreviousData, UseQueryResult } from '@tanstack/react-query';
import type { Series, SeriesInput } from './lib/api-types';
import type { Burndown } from './lib/burndown';
import type { ServerError } from './lib/field-errors';
import { trpc } from './trpc';

type QueryOpts = { enabled?: boolean; placeholderData?: typeof keepPreviousData };
type Query<I, O> = { useQuery(input: I, opts?: QueryOpts): UseQueryResult<O, ServerError> };

/**
 * The budget procedures the pages call, typed by their contract
 * (docs/budgets.md, shared/src/budget.ts). Same object as `trpc`.
 */
export type BudgetApi = {
  budgets: {
    overview: Query<void, { tenants: TenantBudget[] }>;
    entity: Query<{ id: number }, EntityBudget>;
    entities: Query<{ ids: number[] }, { items: EntityBudget[] }>;
    series: Query<SeriesInput, Series>;
    burndown: Query<{ entityId: number }, Burndown>;
  };
};

export const api = trpc as unknown as BudgetApi;
