import { trpc } from '../trpc';

/**
 * Shown on every page while this pod cannot reach PostgreSQL: the dashboard's live view is
 * served from the cache, but history and new results need the database. Not an error page:
 * what works keeps working, and the banner goes once PostgreSQL answers again.
 */
export function DatabaseBanner() {
  const status = trpc.cache.status.useQuery(undefined, { refetchInterval: 10_000 });
  if (status.data?.database !== 'unavailable') return null;
  return (
    <div className="banner banner-degraded" role="status" data-testid="database-banner">
      <strong>Database unavailable.</strong> The current state is served from the cache; history and new poller results
      are paused until PostgreSQL is back.
    </div>
  );
}
