import type { Change, RecentChangesInput } from '@sla/shared';
import { memo, useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { QueryState } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { SelectField } from '../components/SelectField';
import { StatusBadge } from '../components/StatusBadge';
import { useTitle } from '../components/useTitle';
import { STATUS_LABEL } from '../lib/constants';
import { formatPercent } from '../lib/format';
import { trpc } from '../trpc';

const PAGE = 50;

const ChangeRow = memo(function ChangeRow({ c }: { c: Change }) {
  return (
    <tr data-change-id={c.id}>
      <td>
        <RelativeTime iso={c.receivedAt} />
      </td>
      <th scope="row" className="name">
        <Link href={`/entities/${c.entityId}`}>{c.entityName}</Link>
        <span className="muted type">{c.entityType}</span>
      </th>
      <td>
        {c.tenantName} · {c.teamName}
      </td>
      <td className="num">
        {c.previousSla === null ? '' : `${formatPercent(c.previousSla)} → `}
        {formatPercent(c.currentSla)}
      </td>
      <td>
        {c.previousStatus && c.previousStatus !== c.status ? `${STATUS_LABEL[c.previousStatus]} → ` : ''}
        <StatusBadge status={c.status} />
        {c.applied ? null : <span className="badge badge-stale">Late: history only</span>}
      </td>
    </tr>
  );
});

/** Newest first, per tenant (or all), growing live from the shared change stream. */
export default function Changes() {
  useTitle('Recent changes');
  const id = useId();
  const [params, setParams] = useSearchParams();
  const tenant = params.get('tenant') ?? '';
  const facets = trpc.entities.facets.useQuery(undefined, { staleTime: 60_000 });
  const input: RecentChangesInput = tenant ? { tenantName: tenant, limit: PAGE } : { limit: PAGE };
  const recent = trpc.cache.recentChanges.useInfiniteQuery(input, {
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const changes = recent.data?.pages.flatMap((p) => p.changes) ?? [];
  const tenants = facets.data?.tenants.map((t) => t.tenantName) ?? [];

  return (
    <>
      <h1 tabIndex={-1}>Recent changes</h1>
      <form className="filters" aria-label="Filter changes" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          id={`${id}-tenant`}
          label="Tenant"
          all="All tenants"
          value={tenant}
          onChange={(v) => setParams(v ? { tenant: v } : {})}
          options={tenant && !tenants.includes(tenant) ? [tenant, ...tenants] : tenants}
        />
      </form>
      <QueryState
        isPending={recent.isPending}
        error={recent.error}
        retry={() => void recent.refetch()}
        what="recent changes"
      >
        {changes.length === 0 ? (
          <p className="notice" role="status">
            No changes yet{tenant ? ` for ${tenant}` : ''}. New results appear here as they arrive.
          </p>
        ) : (
          <>
            <ScrollRegion label="Recent changes">
              <table className="changes">
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Entity</th>
                    <th scope="col">Tenant · team</th>
                    <th scope="col" className="num">
                      SLA
                    </th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c) => (
                    <ChangeRow key={c.id} c={c} />
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            {recent.hasNextPage ? (
              <button type="button" onClick={() => void recent.fetchNextPage()} disabled={recent.isFetchingNextPage}>
                {recent.isFetchingNextPage ? 'Loading…' : 'Load older changes'}
              </button>
            ) : null}
          </>
        )}
      </QueryState>
    </>
  );
}
