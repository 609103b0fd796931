import type { EntityBudget } from '@sla/shared';
import { lazy, Suspense } from 'react';
import { QueryState } from '../components/QueryState';
import { formatDuration } from '../lib/duration';
import { formatPercent } from '../lib/format';
import type { Span } from '../lib/intervals';
import { trpc } from '../trpc';
import { BudgetBar } from './BudgetBar';
import { BurnRateTiles } from './BurnRateTiles';
import { Heatmap } from './Heatmap';

const BurndownChart = lazy(() => import('./BurndownChart'));
export const HEATMAP_DAYS = 90;

function Figures({ b }: { b: EntityBudget }) {
  return (
    <dl className="meta budget-meta">
      <div>
        <dt>Rolling budget ({b.windowDays} days)</dt>
        <dd>
          <BudgetBar
            label={`Rolling ${b.windowDays}-day budget`}
            remainingPct={b.rolling.remainingPct}
            exhaustsAt={b.exhaustsAt}
            remainingMs={b.rolling.remainingMs}
          />
          <span className="muted">
            {formatDuration(b.rolling.remainingMs)} of {formatDuration(b.rolling.allowedMs)} left
          </span>
        </dd>
      </div>
      <div>
        <dt>This month ({b.timeZone})</dt>
        <dd>
          <BudgetBar label="Calendar-month budget" remainingPct={b.calendar.remainingPct} />
          <span className="muted">
            {formatDuration(b.calendar.remainingMs)} of {formatDuration(b.calendar.allowedMs)} left
          </span>
        </dd>
      </div>
      <div>
        <dt>Achieved compliance ({b.windowDays} days)</dt>
        <dd>
          {formatPercent(b.rolling.compliance)}{' '}
          <span className="muted">
            target {formatPercent(b.rolling.target)}, reported mean {formatPercent(b.rolling.meanReportedSla)}
          </span>
        </dd>
      </div>
      <div>
        <dt>Breach and excluded time ({b.windowDays} days)</dt>
        <dd>
          {formatDuration(b.rolling.breachMs)} in breach, {formatDuration(b.rolling.excludedMs)} excluded{' '}
          <span className="muted">(no data: {b.noDataPolicy})</span>
        </dd>
      </div>
    </dl>
  );
}

/** The entity's error budget: figures, burn rates, the month's burn-down and a 90-day calendar. */
export function EntityBudgetPanel({ id, windows }: { id: number; windows: readonly Span[] }) {
  const budget = trpc.budgets.entity.useQuery({ id });
  const burndown = trpc.budgets.burndown.useQuery({ entityId: id });
  const series = trpc.budgets.series.useQuery({ entityId: id, days: HEATMAP_DAYS });
  return (
    <section aria-labelledby="budget-title" className="budget-panel">
      <h2 id="budget-title">Error budget</h2>
      <QueryState
        isPending={budget.isPending}
        error={budget.error}
        retry={() => void budget.refetch()}
        what="the error budget"
      >
        {budget.data ? (
          <>
            <Figures b={budget.data} />
            <BurnRateTiles burnRates={budget.data.burnRates} />
          </>
        ) : null}
      </QueryState>
      <section aria-labelledby="burndown-title">
        <h2 id="burndown-title">Budget burn-down, this month</h2>
        <QueryState
          isPending={burndown.isPending}
          error={burndown.error}
          retry={() => void burndown.refetch()}
          what="the burn-down"
        >
          {burndown.data ? (
            <Suspense fallback={<p role="status">Loading the chart…</p>}>
              <BurndownChart burndown={burndown.data} windows={windows} />
            </Suspense>
          ) : null}
        </QueryState>
      </section>
      <section aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">Daily compliance, last {HEATMAP_DAYS} days</h2>
        <QueryState
          isPending={series.isPending}
          error={series.error}
          retry={() => void series.refetch()}
          what="daily compliance"
        >
          {series.data ? <Heatmap days={series.data.days} /> : null}
        </QueryState>
      </section>
    </section>
  );
}

/** "In maintenance" next to the entity's name while a window applies to it now. */
export function MaintenanceBadge({ id }: { id: number }) {
  const budget = trpc.budgets.entity.useQuery({ id });
  if (!budget.data?.inMaintenance) return null;
  return (
    <span className="badge badge-maint" data-testid="in-maintenance">
      <span aria-hidden="true">⚙</span> In maintenance
    </span>
  );
}
