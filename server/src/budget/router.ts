import {
  ZBudgetAtInput,
  ZBudgetOverview,
  ZBudgetSeries,
  ZBudgetSeriesInput,
  ZBurndown,
  ZBurndownInput,
  ZEntityBudget,
  ZEntityBudgetInput,
  ZEntityBudgets,
  ZEntityBudgetsInput,
  ZTeamBudget,
  ZTeamBudgetInput,
  ZTenantBudget,
  ZTenantBudgetInput,
} from '@sla/shared';
import type { Metrics } from '../platform/metrics.js';
import { readProcedure, router } from '../trpc/trpc.js';
import { type BudgetReadDeps, entities, entity, overview, team, tenant } from './queries.js';
import { burndown, series } from './series.js';

const meta = (path: string, summary: string) => ({
  openapi: { method: 'GET' as const, path: `/budgets/${path}` as const, tags: ['budgets'], summary, protect: false },
});

/**
 * `budgets.*`: error budgets answered from this pod's memory (the budget book, the view and
 * the policy store; docs/budgets.md). Every read answers 503 + Retry-After until the book is
 * loaded; `at` (optional, ISO) computes as of that instant instead of now.
 */
export function budgetsRouter(d: BudgetReadDeps & { metrics: Metrics }) {
  const hit = () => d.metrics.cacheReads.inc({ result: 'hit' });
  return router({
    overview: readProcedure
      .meta(meta('overview', 'Error budgets of every tenant and team'))
      .input(ZBudgetAtInput)
      .output(ZBudgetOverview)
      .query(({ input }) => {
        hit();
        return overview(d, input.at);
      }),
    entity: readProcedure
      .meta(meta('entity', "One entity's error budget"))
      .input(ZEntityBudgetInput)
      .output(ZEntityBudget)
      .query(({ input }) => {
        hit();
        return entity(d, input.id, input.at);
      }),
    entities: readProcedure
      .input(ZEntityBudgetsInput)
      .output(ZEntityBudgets)
      .query(({ input }) => {
        hit();
        return entities(d, input.ids, input.at);
      }),
    team: readProcedure
      .meta(meta('team', "A team's error budget (time-weighted over its entities)"))
      .input(ZTeamBudgetInput)
      .output(ZTeamBudget)
      .query(({ input }) => {
        hit();
        return team(d, input.tenantName, input.teamName, input.at);
      }),
    tenant: readProcedure
      .meta(meta('tenant', "A tenant's error budget with its teams"))
      .input(ZTenantBudgetInput)
      .output(ZTenantBudget)
      .query(({ input }) => {
        hit();
        return tenant(d, input.tenantName, input.at);
      }),
    series: readProcedure
      .meta(meta('series', 'Daily compliance of an entity or a tenant in its time zone'))
      .input(ZBudgetSeriesInput)
      .output(ZBudgetSeries)
      .query(({ input }) => {
        hit();
        return series(d, input);
      }),
    burndown: readProcedure
      .input(ZBurndownInput)
      .output(ZBurndown)
      .query(({ input }) => {
        hit();
        return burndown(d, input.entityId, input.at);
      }),
  });
}
