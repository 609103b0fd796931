import { RelativeTime } from '../components/RelativeTime';
import { BUDGET_STATE_LABEL, barWidth, budgetState } from '../lib/budget';
import { formatPercent } from '../lib/format';

type Props = {
  remainingPct: number | null;
  /** What the bar is about, for its accessible name ("PGM rolling budget"). */
  label: string;
  exhaustsAt?: string | null;
  remainingMs?: number;
  compact?: boolean;
};

/**
 * Remaining budget as a bar coloured by state, with the state and the percentage in words
 * beside it (never colour alone), and when it is projected to run out.
 */
export function BudgetBar({ remainingPct, label, exhaustsAt, remainingMs, compact }: Props) {
  const state = budgetState(remainingPct);
  const width = barWidth(remainingPct);
  return (
    <div className={`budget budget-${state}${compact ? ' budget-compact' : ''}`} data-budget-state={state}>
      {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot be coloured by state consistently across browsers and themes; the ARIA meter carries the same semantics */}
      <div
        className="budget-bar"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(width)}
        aria-valuetext={`${formatPercent(remainingPct)} of the budget left (${BUDGET_STATE_LABEL[state]})`}
      >
        <div className="budget-fill" style={{ width: `${width}%` }} />
      </div>
      <span className="budget-text">
        <span className="budget-pct">{formatPercent(remainingPct)}</span>
        {compact ? null : <span className="budget-state"> {BUDGET_STATE_LABEL[state]}</span>}
        {exhaustsAt !== undefined && !compact ? (
          <Exhausts exhaustsAt={exhaustsAt} remainingMs={remainingMs ?? 0} />
        ) : null}
      </span>
    </div>
  );
}

function Exhausts({ exhaustsAt, remainingMs }: { exhaustsAt: string | null; remainingMs: number }) {
  if (remainingMs <= 0) return <span className="budget-when"> · exhausted</span>;
  if (!exhaustsAt) return <span className="budget-when"> · not burning</span>;
  return (
    <span className="budget-when">
      {' '}
      · exhausts <RelativeTime iso={exhaustsAt} />
    </span>
  );
}
