import type { FleetPod } from '@sla/shared';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { fleetRows } from '../lib/fleet';
import { formatCount } from '../lib/format';

/**
 * Every pod of the fleet (a heartbeat within 3 intervals): mode, last change, lag, live
 * subscribers, version, start and last heartbeat. A lagging pod's row gets the class
 * `row-lagging` and its lag cell says "behind" and "lagging", so it does not rely on colour.
 */
export function FleetTable({ pods, servingPod }: { pods: readonly FleetPod[]; servingPod: string }) {
  const rows = fleetRows(pods, servingPod);
  if (rows.length === 0)
    return (
      <p className="notice" role="status">
        No pod has reported a heartbeat yet.
      </p>
    );
  return (
    <ScrollRegion label="Fleet">
      <table className="fleet" data-testid="fleet-table">
        <caption>
          {rows.length} pod{rows.length === 1 ? '' : 's'} sent a heartbeat recently
        </caption>
        <thead>
          <tr>
            <th scope="col">Pod</th>
            <th scope="col">Mode</th>
            <th scope="col" className="num">
              Last change
            </th>
            <th scope="col">Lag</th>
            <th scope="col" className="num">
              Live subscribers
            </th>
            <th scope="col">Version</th>
            <th scope="col">Started</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.podId} className={p.lagging ? 'row-lagging' : undefined} data-pod={p.podId}>
              <th scope="row">
                {p.podId}
                {p.self ? <span className="muted"> (this page)</span> : null}
              </th>
              <td>{p.mode}</td>
              <td className="num">{formatCount(p.lastChangeId)}</td>
              <td className="lag">{p.lagging ? <strong className="warn">Lagging: {p.lagText}</strong> : p.lagText}</td>
              <td className="num">{formatCount(p.subscribers)}</td>
              <td>{p.version}</td>
              <td>
                <RelativeTime iso={p.startedAt} />
              </td>
              <td>
                <RelativeTime iso={p.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
