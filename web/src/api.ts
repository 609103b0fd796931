import type { EntityBudget, MaintenanceWindow, TenantBudget } from '@sla/shared';
import type { keepPreviousData, UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import type { Occurrence, OccurrencesInput, Series, SeriesInput, WindowInput } from './lib/api-types';
import type { Burndown } from './lib/burndown';
import type { ServerError } from './lib/field-errors';
import { trpc } from './trpc';

type QueryOpts = { enabled?: boolean; placeholderData?: typeof keepPreviousData };
type Query<I, O> = { useQuery(input: I, opts?: QueryOpts): UseQueryResult<O, ServerError> };
type Mutation<I, O> = { useMutation(opts?: { onSuccess?(): void }): UseMutationResult<O, ServerError, I> };

/**
 * The budget and window procedures the pages call, typed by their contract
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
  windows: {
    list: Query<{ tenantName?: string }, { items: MaintenanceWindow[] }>;
    occurrences: Query<OccurrencesInput, { items: Occurrence[] }>;
    create: Mutation<WindowInput, MaintenanceWindow>;
    update: Mutation<WindowInput & { id: number }, MaintenanceWindow>;
    delete: Mutation<{ id: number }, unknown>;
  };
};

export const api = trpc as unknown as BudgetApi;
