import type { Report } from '@sla/shared';
import { keepPreviousData } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { useSearchParams } from 'wouter';
import { QueryState } from '../components/QueryState';
import { SelectField } from '../components/SelectField';
import { useTitle } from '../components/useTitle';
import { defaultPeriod, isPeriod, periodOptions } from '../lib/periods';
import { reportCsvHref } from '../lib/report';
import { trpc } from '../trpc';
import { ReportTable } from './ReportTable';

const GROUPS = [
  ['Months', 'month'],
  ['Quarters', 'quarter'],
] as const;

function ReportHead({ r }: { r: Report }) {
  return (
    <dl className="meta report-meta" data-testid="report-state" data-state={r.state}>
      <div>
        <dt>State</dt>
        <dd>
          <span className={`badge badge-${r.state}`}>{r.state === 'closed' ? 'Closed' : 'Provisional'}</span>{' '}
          {r.state === 'closed' ? (
            <span>revision {r.revision}</span>
          ) : (
            <span className="muted">figures change until the period closes</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Period</dt>
        <dd>
          {r.period} <span className="muted">({r.timeZone})</span>
        </dd>
      </div>
      <div>
        <dt>Content hash (SHA-256)</dt>
        <dd className="hash" title={r.contentHash ?? undefined}>
          {r.contentHash ?? <span className="muted">set when the period closes</span>}
        </dd>
      </div>
      <div>
        <dt>Generated</dt>
        <dd>{new Date(r.generatedAt).toLocaleString()}</dd>
      </div>
    </dl>
  );
}

/** `/reports?tenant=&period=&team=`: a tenant's compliance report for a month or quarter, with its CSV. */
export default function Reports() {
  useTitle('Reports');
  const id = useId();
  const [params, setParams] = useSearchParams();
  const facets = trpc.entities.facets.useQuery(undefined, { staleTime: 60_000 });
  const overview = trpc.budgets.overview.useQuery();
  const tenants = facets.data?.tenants ?? [];
  const tenantName = params.get('tenant') ?? tenants[0]?.tenantName ?? '';
  const timeZone = overview.data?.tenants.find((t) => t.tenantName === tenantName)?.timeZone ?? 'UTC';
  const now = useMemo(() => Date.now(), []);
  const options = useMemo(() => periodOptions(now, timeZone), [now, timeZone]);
  const asked = params.get('period');
  const period = isPeriod(asked) && options.some((o) => o.value === asked) ? asked : defaultPeriod(now, timeZone);
  const teamName = params.get('team') ?? '';
  const teams = tenants.find((t) => t.tenantName === tenantName)?.teams ?? [];
  const input = { tenantName, period, ...(teamName ? { teamName } : {}) };
  const report = trpc.reports.get.useQuery(input, { enabled: tenantName !== '', placeholderData: keepPreviousData });

  const set = (patch: Record<string, string>) => {
    const next = { tenant: tenantName, period, team: teamName, ...patch };
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')));
  };
  return (
    <>
      <h1 tabIndex={-1}>Compliance reports</h1>
      <form className="filters" aria-label="Choose a report" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          id={`${id}-tenant`}
          label="Tenant"
          value={tenantName}
          onChange={(v) => set({ tenant: v, team: '' })}
          options={tenants.map((t) => t.tenantName)}
        />
        <SelectField id={`${id}-period`} label="Period" value={period} onChange={(v) => set({ period: v })}>
          {GROUPS.map(([label, kind]) => (
            <optgroup key={kind} label={label}>
              {options
                .filter((o) => o.kind === kind)
                .map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                    {o.current ? ' (provisional)' : ''}
                  </option>
                ))}
            </optgroup>
          ))}
        </SelectField>
        <SelectField
          id={`${id}-team`}
          label="Team"
          all="All teams"
          value={teamName}
          onChange={(v) => set({ team: v })}
          options={teams}
        />
        {tenantName ? (
          <a className="button" href={reportCsvHref(input)} download>
            Download CSV
          </a>
        ) : null}
      </form>
      <QueryState
        isPending={report.isPending && tenantName !== ''}
        error={report.error}
        retry={() => void report.refetch()}
        what="the report"
      >
        {report.data ? (
          <>
            <ReportHead r={report.data} />
            <ReportTable report={report.data} busy={report.isPlaceholderData} />
          </>
        ) : null}
      </QueryState>
    </>
  );
}
