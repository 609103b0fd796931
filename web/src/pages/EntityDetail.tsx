import { useMemo } from 'react';
import { Link, useSearchParams } from 'wouter';
import { EntityAlerts } from '../alerts/EntityAlerts';
import { EntityBudgetPanel, MaintenanceBadge } from '../budget/EntityBudgetPanel';
import { QueryState } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { StatusBadge } from '../components/StatusBadge';
import { useTitle } from '../components/useTitle';
import { STATUS_LABEL } from '../lib/constants';
import { formatDateTime, formatGap, formatPercent } from '../lib/format';
import { windowSpans } from '../lib/intervals';
import { tableHref } from '../lib/table-url';
import { trpc } from '../trpc';
import SlaChart from './SlaChart';

export const RANGES = [1, 7, 14, 30, 90] as const;
const DEFAULT_DAYS = 14;
const HOUR = 3_600_000;

export function parseDays(v: string | null): number {
  const n = Number(v);
  return (RANGES as readonly number[]).includes(n) ? n : DEFAULT_DAYS;
}

export default function EntityDetail({ id }: { id: number }) {
  const [params, setParams] = useSearchParams();
  const days = parseDays(params.get('days'));
  const history = trpc.entities.history.useQuery({ id, days });
  const e = history.data?.entity;
  useTitle(e ? e.entityName : 'Entity');
  // The window ends when the data was last updated, so the chart does not slide under the
  // reader every second but does move on when new points arrive.
  const updatedAt = history.dataUpdatedAt;
  const [from, to] = useMemo(() => {
    const end = updatedAt || Date.now();
    return [end - days * 86_400_000, end];
  }, [days, updatedAt]);
  // One occurrences read covers both the SLA chart and this month's burn-down; whole hours
  // keep its key (and so its cache entry) steady while live updates move the chart's end.
  const span = useMemo(() => {
    const end = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
    const start = Math.floor((end - Math.max(days, 32) * 86_400_000) / HOUR) * HOUR;
    return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
  }, [days]);
  const occurrences = trpc.windows.occurrences.useQuery({ entityId: id, ...span });
  const items = occurrences.data?.items;
  const chartWindows = useMemo(() => windowSpans(items ?? [], from, to), [items, from, to]);
  const allWindows = useMemo(() => windowSpans(items ?? [], Date.parse(span.from), Date.parse(span.to)), [items, span]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/entities">Entities</Link>
        {e ? (
          <>
            {' / '}
            <Link href={tableHref({ tenant: e.tenantName })}>{e.tenantName}</Link>
            {' / '}
            <Link href={tableHref({ tenant: e.tenantName, team: e.teamName })}>{e.teamName}</Link>
          </>
        ) : null}
      </nav>
      <h1 tabIndex={-1}>{e ? e.entityName : 'Entity'}</h1>
      <MaintenanceBadge id={id} />
      <QueryState
        isPending={history.isPending}
        error={history.error}
        retry={() => void history.refetch()}
        what="this entity"
      >
        {history.data && e ? (
          <>
            <dl className="meta">
              <div>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={e.status} stale={e.stale} /> since <RelativeTime iso={e.statusSince} />
                </dd>
              </div>
              <div>
                <dt>Current SLA</dt>
                <dd>
                  {formatPercent(e.currentSla)} ({formatGap(e.currentSla, e.slaTarget)} vs target)
                </dd>
              </div>
              <div>
                <dt>Target</dt>
                <dd>{formatPercent(e.slaTarget)}</dd>
              </div>
              <div>
                <dt>Owner team</dt>
                <dd>
                  {e.teamName} ({e.tenantName})
                </dd>
              </div>
              <div>
                <dt>Type</dt>
                <dd>{e.entityType}</dd>
              </div>
              <div>
                <dt>Last observed</dt>
                <dd>
                  <RelativeTime iso={e.observedAt} /> <span className="muted">({formatDateTime(e.observedAt)})</span>
                </dd>
              </div>
              <div>
                <dt>Last received</dt>
                <dd>
                  <RelativeTime iso={history.data.lastReceivedAt} />{' '}
                  <span className="muted">({formatDateTime(history.data.lastReceivedAt)})</span>
                </dd>
              </div>
            </dl>
            <section aria-labelledby="history-title">
              <div className="section-head">
                <h2 id="history-title">SLA history</h2>
                <div className="field field-inline">
                  <label htmlFor="range">Period</label>
                  <select id="range" value={days} onChange={(ev) => setParams({ days: ev.target.value })}>
                    {RANGES.map((d) => (
                      <option key={d} value={d}>
                        {d === 1 ? 'Last 24 hours' : `Last ${d} days`}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <SlaChart history={history.data} from={from} to={to} windows={chartWindows} />
            </section>
            <EntityAlerts id={id} />
            <EntityBudgetPanel id={id} windows={allWindows} />
            <section aria-labelledby="transitions-title">
              <h2 id="transitions-title">Status transitions</h2>
              {history.data.transitions.length === 0 ? (
                <p className="muted">No status changes in this period.</p>
              ) : (
                <ScrollRegion label="Status transitions">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">From</th>
                        <th scope="col">To</th>
                        <th scope="col" className="num">
                          Change
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...history.data.transitions].reverse().map((t) => (
                        <tr key={t.changeId}>
                          <td>{formatDateTime(t.at)}</td>
                          <td>{t.from ? STATUS_LABEL[t.from] : 'new'}</td>
                          <td>
                            <StatusBadge status={t.to} />
                          </td>
                          <td className="num">#{t.changeId}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollRegion>
              )}
            </section>
          </>
        ) : null}
      </QueryState>
    </>
  );
}
