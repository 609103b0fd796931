import { trpc } from '../trpc';

/**
 * Shown on every page while the pod serves from its own memory: data stays correct (every
 * update is committed to PostgreSQL) but pods no longer share one cache.
 */
export function DegradedBanner() {
  const status = trpc.cache.status.useQuery(undefined, { refetchInterval: 10_000 });
  if (status.data?.mode !== 'memory') return null;
  const notConfigured = status.data.redisConnection === 'disabled';
  return (
    <div className="banner banner-degraded" role="status" data-testid="degraded-banner">
      <strong>Degraded: memory mode.</strong>{' '}
      {notConfigured
        ? 'Redis is not configured, so each pod keeps its own cache.'
        : `Redis is unavailable (${status.data.redisConnection}); this pod serves from memory. Updates are still saved and the shared cache catches up when Redis returns.`}
    </div>
  );
}
