import type { Status } from '@sla/shared';
import { STATUS_LABEL } from '../lib/constants';

const ICON: Record<Status, string> = { Passed: '✓', Failed: '✕', AtRisk: '!', NoData: '?' };

/** Status as text plus shape, never colour alone, so it reads in any theme and for colour-blind users. */
export function StatusBadge({ status, stale }: { status: Status; stale?: boolean }) {
  return (
    <span className="badges">
      <span className={`badge badge-${status}`}>
        <span aria-hidden="true">{ICON[status]}</span> {STATUS_LABEL[status]}
      </span>
      {stale ? (
        <span className="badge badge-stale" title="No observation within the stale window">
          Stale
        </span>
      ) : null}
    </span>
  );
}
