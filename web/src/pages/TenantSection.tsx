import type { Entity, TeamSummary, TenantSummary } from '@sla/shared';
import { memo, useId, useMemo } from 'react';
import { Link } from 'wouter';
import { TenantBudgets } from '../budget/TenantBudgets';
import { ScrollRegion } from '../components/ScrollRegion';
import { StatusBadge } from '../components/StatusBadge';
import { useFlash } from '../components/useFlash';
import { STATUS_LABEL, STATUSES } from '../lib/constants';
import { formatCount, formatPercent, formatRatio } from '../lib/format';
import { complianceRatio, rollupToken } from '../lib/rollup';
import { tableHref } from '../lib/table-url';

function ComplianceBar({ compliant, total }: { compliant: number; total: number }) {
  const pct = complianceRatio({ compliant, total }) * 100;
  return (
    <div className="bar" aria-hidden="true">
      <div className="bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

const TeamRow = memo(function TeamRow({ tenantName, team }: { tenantName: string; team: TeamSummary }) {
  const ref = useFlash<HTMLTableRowElement>(rollupToken(team));
  const { teamName } = team;
  // Links depend only on names: built once per row, not on every live update.
  const hrefs = useMemo(
    () => ({
      team: tableHref({ tenant: tenantName, team: teamName }),
      status: Object.fromEntries(
        STATUSES.map((s) => [s, tableHref({ tenant: tenantName, team: teamName, status: s })]),
      ),
    }),
    [tenantName, teamName],
  );
  return (
    <tr ref={ref}>
      <th scope="row">
        <Link href={hrefs.team}>{teamName}</Link>
      </th>
      <td className="num">{formatCount(team.total)}</td>
      {STATUSES.map((s) => (
        <td key={s} className={`num count-${s}`}>
          {team.byStatus[s] > 0 ? <Link href={hrefs.status[s] ?? hrefs.team}>{formatCount(team.byStatus[s])}</Link> : 0}
        </td>
      ))}
      <td className="num">{formatRatio(team.compliant, team.total)}</td>
      <td className="num">{formatPercent(team.meanSla)}</td>
      <td className="num">{formatCount(team.stale)}</td>
    </tr>
  );
});

function WorstList({ entities }: { entities: Entity[] }) {
  if (entities.length === 0) return null;
  return (
    <ol className="worst">
      {entities.map((e) => (
        <li key={e.id}>
          <Link href={`/entities/${e.id}`}>{e.entityName}</Link>{' '}
          <span className="muted">
            {e.teamName} · {e.entityType}
          </span>{' '}
          <span className="num">
            {formatPercent(e.currentSla)} / {formatPercent(e.slaTarget)}
          </span>{' '}
          <StatusBadge status={e.status} stale={e.stale} />
        </li>
      ))}
    </ol>
  );
}

/** One tenant: its rollup, a row per team (worst first), and its worst entities. */
export const TenantSection = memo(function TenantSection({ tenant }: { tenant: TenantSummary }) {
  const id = useId();
  const ref = useFlash<HTMLDivElement>(rollupToken(tenant));
  return (
    <section className="tenant card" aria-labelledby={id} data-tenant={tenant.tenantName}>
      <div className="tenant-head" ref={ref}>
        <h2 id={id}>
          <Link href={tableHref({ tenant: tenant.tenantName })}>{tenant.tenantName}</Link>
        </h2>
        <p className="tenant-stats">
          <span>
            <strong>{formatRatio(tenant.compliant, tenant.total)}</strong> meeting target
          </span>
          <span>
            mean <strong>{formatPercent(tenant.meanSla)}</strong>
          </span>
          <span>{formatCount(tenant.total)} entities</span>
          {STATUSES.map((s) => (
            <span key={s} className={`count-${s}`}>
              {STATUS_LABEL[s]} {formatCount(tenant.byStatus[s])}
            </span>
          ))}
          {tenant.stale > 0 ? <span>Stale {formatCount(tenant.stale)}</span> : null}
        </p>
        <ComplianceBar compliant={tenant.compliant} total={tenant.total} />
      </div>
      <TenantBudgets tenantName={tenant.tenantName} />
      <ScrollRegion label={`Teams of ${tenant.tenantName}`}>
        <table className="teams">
          <caption className="visually-hidden">Teams of {tenant.tenantName}, worst first</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col" className="num">
                Entities
              </th>
              {STATUSES.map((s) => (
                <th key={s} scope="col" className="num">
                  {STATUS_LABEL[s]}
                </th>
              ))}
              <th scope="col" className="num">
                Meeting target
              </th>
              <th scope="col" className="num">
                Mean SLA
              </th>
              <th scope="col" className="num">
                Stale
              </th>
            </tr>
          </thead>
          <tbody>
            {tenant.teams.map((team) => (
              <TeamRow key={team.teamName} tenantName={tenant.tenantName} team={team} />
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <h3>Worst entities</h3>
      <WorstList entities={tenant.worst} />
    </section>
  );
});
