import type { Report, ReportRow } from '@sla/shared';
import { Link } from 'wouter';
import { ScrollRegion } from '../components/ScrollRegion';
import { formatDuration, formatMinutes } from '../lib/duration';
import { formatPercent } from '../lib/format';
import { excludedCategories } from '../lib/report';
import { WINDOW_CATEGORY_LABEL } from '../lib/windows';

const label = (c: string) => WINDOW_CATEGORY_LABEL[c as keyof typeof WINDOW_CATEGORY_LABEL] ?? c;

function Row({ r, categories }: { r: ReportRow; categories: string[] }) {
  const below = r.compliance != null && r.target != null && r.compliance < r.target;
  return (
    <tr className={below ? 'row-below' : undefined}>
      <th scope="row" className="name">
        <Link href={`/entities/${r.entityId}`}>{r.entityName}</Link>
        <span className="muted type">
          {r.teamName} · {r.entityType}
        </span>
      </th>
      <td className="num">{formatPercent(r.target)}</td>
      <td className={`num${below ? ' gap-below' : ''}`}>
        {formatPercent(r.compliance)}
        {below ? <span className="visually-hidden"> (below target)</span> : null}
      </td>
      <td className="num">{formatPercent(r.budgetUsedPct)}</td>
      <td className="num">
        {r.breaches.length}
        {r.breachMs > 0 ? <span className="muted"> ({formatDuration(r.breachMs)})</span> : null}
      </td>
      {categories.map((c) => (
        <td key={c} className="num">
          {formatMinutes(r.excludedMinutes[c] ?? 0)}
        </td>
      ))}
    </tr>
  );
}

/** A report's rows: target, achieved compliance, budget used, breaches, excluded minutes by category. */
export function ReportTable({ report, busy }: { report: Report; busy: boolean }) {
  const categories = excludedCategories(report.rows);
  const s = report.summary;
  return (
    <>
      <p className="report-summary">
        <strong>{formatPercent(s.compliance)}</strong> achieved against {formatPercent(s.target)} over{' '}
        {report.rows.length} entities; budget {formatPercent(s.remainingPct)} left ({formatDuration(s.breachMs)} in
        breach, {formatDuration(s.excludedMs)} excluded).
      </p>
      {report.rows.length === 0 ? (
        <p className="muted">No entities reported in this period.</p>
      ) : (
        <ScrollRegion label="Report rows" busy={busy}>
          <table className="report">
            <caption className="visually-hidden">
              Compliance of each entity, {report.period}
              {report.teamName ? `, team ${report.teamName}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Entity</th>
                <th scope="col" className="num">
                  Target
                </th>
                <th scope="col" className="num">
                  Achieved
                </th>
                <th scope="col" className="num">
                  Budget used
                </th>
                <th scope="col" className="num">
                  Breaches
                </th>
                {categories.map((c) => (
                  <th key={c} scope="col" className="num">
                    Excluded: {label(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <Row key={r.entityId} r={r} categories={categories} />
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
