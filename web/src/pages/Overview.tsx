import type { Rollup } from '@sla/shared';
import { EmptyState } from '../components/EmptyState';
import { QueryState } from '../components/QueryState';
import { useFlash } from '../components/useFlash';
import { useTitle } from '../components/useTitle';
import { STATUS_LABEL, STATUSES } from '../lib/constants';
import { formatCount, formatPercent, formatRatio } from '../lib/format';
import { rollupToken } from '../lib/rollup';
import { trpc } from '../trpc';
import { TenantSection } from './TenantSection';

function Kpis({ overall }: { overall: Rollup }) {
  const ref = useFlash<HTMLDListElement>(rollupToken(overall));
  return (
    <dl className="kpis" ref={ref} aria-label="All entities">
      <div>
        <dt>Entities</dt>
        <dd>{formatCount(overall.total)}</dd>
      </div>
      <div>
        <dt>Meeting target</dt>
        <dd>{formatRatio(overall.compliant, overall.total)}</dd>
      </div>
      <div>
        <dt>Mean SLA</dt>
        <dd>{formatPercent(overall.meanSla)}</dd>
      </div>
      {STATUSES.filter((s) => s !== 'Passed').map((s) => (
        <div key={s}>
          <dt>{STATUS_LABEL[s]}</dt>
          <dd>{formatCount(overall.byStatus[s])}</dd>
        </div>
      ))}
      <div>
        <dt>Stale</dt>
        <dd>{formatCount(overall.stale)}</dd>
      </div>
    </dl>
  );
}

export default function Overview() {
  useTitle('Overview');
  const summary = trpc.entities.summary.useQuery({ worst: 5 });
  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      <QueryState
        isPending={summary.isPending}
        error={summary.error}
        retry={() => void summary.refetch()}
        what="the overview"
      >
        {summary.data && summary.data.overall.total === 0 ? (
          <EmptyState />
        ) : summary.data ? (
          <>
            <Kpis overall={summary.data.overall} />
            <p className="hint">
              Tenants worst first. Entities count as stale after {summary.data.staleAfterMinutes} minutes without an
              observation.
            </p>
            {summary.data.tenants.map((t) => (
              <TenantSection key={t.tenantName} tenant={t} />
            ))}
          </>
        ) : null}
      </QueryState>
    </>
  );
}
