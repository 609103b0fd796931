import type { TenantBudget } from '@sla/shared';
import { useId } from 'react';
import { trpc } from '../trpc';
import { BudgetBar } from './BudgetBar';
import { ComplianceTrend } from './ComplianceTrend';

function Teams({ tenant }: { tenant: TenantBudget }) {
  // Worst first, like the team table: the team closest to running out on top.
  const teams = [...tenant.teams].sort(
    (a, b) =>
      (a.rolling.remainingPct ?? Number.POSITIVE_INFINITY) - (b.rolling.remainingPct ?? Number.POSITIVE_INFINITY),
  );
  return (
    <ul className="team-budgets">
      {teams.map((t) => (
        <li key={t.teamName} data-team={t.teamName}>
          {/* The team table below links each team; a second link of the same name would only repeat it. */}
          <span className="team-budget-name">{t.teamName}</span>
          <BudgetBar
            label={`${t.teamName} budget left`}
            remainingPct={t.rolling.remainingPct}
            exhaustsAt={t.exhaustsAt}
            remainingMs={t.rolling.remainingMs}
          />
        </li>
      ))}
    </ul>
  );
}

/**
 * A tenant's error budgets on the overview: its 30-day compliance trend and, per team, the
 * rolling budget left (coloured and named by state) and when it runs out at today's burn.
 */
export function TenantBudgets({ tenantName }: { tenantName: string }) {
  const id = useId();
  const overview = trpc.budgets.overview.useQuery();
  const tenant = overview.data?.tenants.find((t) => t.tenantName === tenantName);
  if (overview.error) return <p className="muted">Error budgets unavailable: {overview.error.message}</p>;
  if (!tenant) return null;
  return (
    <section className="tenant-budgets" aria-labelledby={id} data-testid="tenant-budgets">
      <h3 id={id}>
        Error budget <span className="muted">(rolling {tenant.windowDays} days)</span>
      </h3>
      <div className="tenant-budget-grid">
        <ComplianceTrend tenantName={tenantName} />
        <div>
          <BudgetBar
            label={`${tenantName} budget left`}
            remainingPct={tenant.rolling.remainingPct}
            exhaustsAt={tenant.exhaustsAt}
            remainingMs={tenant.rolling.remainingMs}
          />
          <Teams tenant={tenant} />
        </div>
      </div>
    </section>
  );
}
