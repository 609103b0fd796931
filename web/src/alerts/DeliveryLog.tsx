import { ListView } from '../components/ListView';
import { RelativeTime } from '../components/RelativeTime';
import { TableHead } from '../components/TableHead';
import { deliveryOutcome } from '../lib/alerts';
import { formatDateTime } from '../lib/format';
import { trpc } from '../trpc';

const DELIVERY_COLUMNS = ['Created', 'Channel', 'Team', 'Outcome', { label: 'Changes', className: 'num' }, 'Attempts'];

/** The delivery log, newest first: each message's outcome, attempts with status codes and errors. */
export function DeliveryLog({ tenantName }: { tenantName: string | undefined }) {
  const list = trpc.alerts.deliveries.list.useQuery(tenantName ? { tenantName, limit: 50 } : { limit: 50 });
  const items = list.data?.items ?? [];
  return (
    <ListView
      query={list}
      what="the delivery log"
      label="Delivery log"
      empty={items.length === 0 ? 'No deliveries yet.' : null}
    >
      <table className="deliveries">
        <TableHead columns={DELIVERY_COLUMNS} />
        <tbody>
          {items.map((d) => {
            const outcome = deliveryOutcome(d);
            return (
              <tr key={d.deliveryId} data-delivery-id={d.deliveryId} data-outcome={outcome.state}>
                <td>
                  <RelativeTime iso={d.createdAt} />
                </td>
                <th scope="row">{d.channel}</th>
                <td>{[d.tenantName, d.teamName].filter(Boolean).join(' / ')}</td>
                <td>
                  <span className={`badge delivery-${outcome.state}`}>{outcome.label}</span>
                </td>
                <td className="num">{d.outboxIds.length}</td>
                <td>
                  <ul className="attempts">
                    {d.attemptLog.map((a) => (
                      <li key={a.attempt}>
                        Attempt {a.attempt}, {formatDateTime(a.at)}:{' '}
                        {a.status === null ? 'no answer' : `HTTP ${a.status}`}
                        {a.error ? <span className="muted"> — {a.error}</span> : null}{' '}
                        <span className="muted">({Math.round(a.durationMs)} ms)</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ListView>
  );
}
