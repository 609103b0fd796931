import type { Entity, TeamSummary, TenantSummary } from '@sla/shared';
import { memo, useId } from 'react';
import { Link } from 'wouter';
import { StatusBadge } from '../components/StatusBadge';
import { useFlash } from '../components/useFlash';
import { STATUSES, STATUS_LABEL } from '../lib/constants';
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
  return (
    <tr ref={ref}>
      <th scope="row">
        <Link href={tableHref({ tenant: tenantName, team: team.teamName })}>{team.teamName}</Link>
      </th>
      <td className="num">{formatCount(team.total)}</td>
      {STATUSES.map((s) => (
        <td key={s} className={`num count-${s}`}>
          {team.byStatus[s] > 0 ? (
            <Link href={tableHref({ tenant: tenantName, team: team.teamName, status: s })}>
              {formatCount(team.byStatus[s])}
            </Link>
          ) : (
            0
          )}
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
      <div className="table-scroll" role="region" aria-label={`Teams of ${tenant.tenantName}`} tabIndex={0}>
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
      </div>
      <h3>Worst entities</h3>
      <WorstList entities={tenant.worst} />
    </section>
  );
});
