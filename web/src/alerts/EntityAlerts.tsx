import { Link } from 'wouter';
import { QueryState } from '../components/QueryState';
import { splitAlerts } from '../lib/alerts';
import { AlertTable } from './AlertTable';
import { useAlertList } from './useAlertList';

/** Hours of resolved alerts the entity page shows: a week, so last week's incident is still there. */
const ENTITY_RECENT_HOURS = 24 * 7;

/** The entity page's alerts: firing first, then resolved in the last week (read-only; actions are on /alerts). */
export function EntityAlerts({ id }: { id: number }) {
  const list = useAlertList({ entityId: id, recentHours: ENTITY_RECENT_HOURS });
  const { firing, resolved } = splitAlerts(list.data?.items ?? []);
  const all = [...firing, ...resolved];
  return (
    <section aria-labelledby="entity-alerts-title" data-testid="entity-alerts">
      <h2 id="entity-alerts-title">Alerts</h2>
      <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="alerts">
        {all.length === 0 ? (
          <p className="muted">No alerts for this entity in the last 7 days.</p>
        ) : (
          <>
            <p className="muted">
              {firing.length} firing, {resolved.length} resolved in the last 7 days.{' '}
              <Link href="/alerts">All alerts</Link>
            </p>
            <AlertTable label="Alerts of this entity" alerts={all} />
          </>
        )}
      </QueryState>
    </section>
  );
}
