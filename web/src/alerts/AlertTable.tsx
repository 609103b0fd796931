import type { AlertViewAnswer } from '@sla/shared';
import { Link } from 'wouter';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { TableHead } from '../components/TableHead';
import { alertSubject, SEVERITY_LABEL } from '../lib/alerts';
import { formatDateTime } from '../lib/format';
import { AlertTimeline } from './AlertTimeline';

const SEVERITY_ICON = { page: '▲', ticket: '●', info: 'i' } as const;

/** Severity in words and shape, never colour alone. */
export function SeverityBadge({ severity }: { severity: AlertViewAnswer['severity'] }) {
  return (
    <span className={`badge sev-${severity}`}>
      <span aria-hidden="true">{SEVERITY_ICON[severity]}</span> {SEVERITY_LABEL[severity]}
    </span>
  );
}

const ALERT_COLUMNS = ['Severity', 'Rule', 'Entity / team', 'Since', 'Timeline (24 h)', 'Acknowledged by', 'Summary'];

type Props = {
  label: string;
  alerts: readonly AlertViewAnswer[];
  /** Actions for an alert the session may change (absent: read-only). */
  actions?: ((a: AlertViewAnswer) => React.ReactNode) | undefined;
};

/** Alerts as a table: severity, rule and tier, what and whose, summary, since, acknowledgement, timeline. */
export function AlertTable({ label, alerts, actions }: Props) {
  const withActions = actions !== undefined;
  return (
    <ScrollRegion label={label}>
      <table className="alerts">
        <TableHead columns={[...ALERT_COLUMNS, withActions ? 'Actions' : null]} />
        <tbody>
          {alerts.map((a) => (
            <tr key={a.fingerprint} data-fingerprint={a.fingerprint} data-state={a.state}>
              <td>
                <SeverityBadge severity={a.severity} />
                {a.state === 'resolved' ? <span className="badge badge-resolved">Resolved</span> : null}
              </td>
              <th scope="row">
                {a.ruleName}
                {a.tier ? <span className="muted"> · tier {a.tier}</span> : null}
              </th>
              <td>
                {a.entityId ? <Link href={`/entities/${a.entityId}`}>{alertSubject(a)}</Link> : alertSubject(a)}
                <div className="muted">{a.tenantName}</div>
              </td>
              <td>
                <RelativeTime iso={a.since} />
                {a.resolvedAt ? <div className="muted">resolved {formatDateTime(a.resolvedAt)}</div> : null}
              </td>
              <td>
                <AlertTimeline alert={a} />
              </td>
              <td data-testid="acknowledged-by">
                {a.acknowledgedBy ? (
                  <>
                    {a.acknowledgedBy} <RelativeTime iso={a.acknowledgedAt} />
                  </>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
              <td className="alert-summary">{a.lastChange.summary}</td>
              {withActions ? <td className="row-actions">{actions(a)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
