import { cacheModeOf } from '../lib/cache-mode';
import { trpc } from '../trpc';

/**
 * Shown on every page while Redis is configured but this pod serves from its own memory: data
 * stays correct (every update is committed to PostgreSQL) but pods no longer share one cache.
 * A pod without REDIS_URL is standalone by choice, not degraded: the System page says so.
 */
export function DegradedBanner() {
  const status = trpc.cache.status.useQuery(undefined, { refetchInterval: 10_000 });
  const mode = status.data ? cacheModeOf(status.data) : null;
  if (mode?.kind !== 'degraded') return null;
  return (
    <div className="banner banner-degraded" role="status" data-testid="degraded-banner">
      <strong>Degraded: memory mode.</strong>{' '}
      {mode.connection === 'ready'
        ? 'Redis is back; this pod serves from memory until the shared cache has caught up. Updates are still saved.'
        : `Redis is unavailable (${mode.connection}); this pod serves from memory. Updates are still saved and the shared cache catches up when Redis returns.`}
    </div>
  );
}
