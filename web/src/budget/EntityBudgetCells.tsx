import type { EntityBudget } from '@sla/shared';
import { trpc } from '../trpc';
import { BudgetBar } from './BudgetBar';
import { Sparkline } from './Sparkline';

export const SPARK_DAYS = 7;

/** An entity budget that may carry its last days' daily compliance (cheaper than a series read per row). */
type WithSparkline = EntityBudget & { sparkline?: (number | null)[] };

/** The 7-day compliance sparkline of one row: from the budget when it carries one, else one series read. */
function RowSparkline({ id, given }: { id: number; given: (number | null)[] | undefined }) {
  const series = trpc.budgets.series.useQuery(
    { entityId: id, days: SPARK_DAYS },
    { enabled: given === undefined, staleTime: 60_000, trpc: { context: { batch: true } } },
  );
  const values = given ?? series.data?.days.map((d) => d.compliance);
  if (!values) return <span className="muted">…</span>;
  return <Sparkline values={values} days={SPARK_DAYS} />;
}

/** The entity table's budget and trend cells. */
export function EntityBudgetCells({ id, budget }: { id: number; budget: EntityBudget | undefined }) {
  return (
    <>
      <td className="budget-cell">
        {budget ? (
          <BudgetBar compact label="Rolling budget left" remainingPct={budget.rolling.remainingPct} />
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>
        <RowSparkline id={id} given={(budget as WithSparkline | undefined)?.sparkline} />
      </td>
    </>
  );
}
