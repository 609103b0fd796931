import { trpc } from '../trpc';

/**
 * How often the alert list is re-read with no change arriving: stale and "for N minutes"
 * rules fire on the clock, not on ingest, and the server evaluates every 15 s by default
 * (`ALERT_EVALUATION_INTERVAL_SECONDS`). Changes refetch it sooner (web/src/live/live-updater.ts).
 */
export const ALERTS_REFETCH_MS = 15_000;

/** `alerts.list` for a tenant or one entity, kept fresh on a modest interval. */
export function useAlertList(input: { tenantName?: string; entityId?: number; recentHours?: number }) {
  return trpc.alerts.list.useQuery(input, { refetchInterval: ALERTS_REFETCH_MS });
}
