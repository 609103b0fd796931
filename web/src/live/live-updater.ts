import type { Change, EntityList, History, RecentChangesInput, Summary } from '@sla/shared';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { latestByEntity, patchHistory, patchList } from '../lib/entity-patch';
import { createFrameBatcher, frameScheduler, type Scheduler } from '../lib/frame-batcher';
import { prependRecent, type RecentPages } from '../lib/recent';
import { patchSummary } from '../lib/rollup';
import { throttle } from '../lib/throttle';
import { trpc } from '../trpc';
import { noteChanges } from './flash-budget';

/** How often server-side ordering, paging and stale flags are re-read while changes flow. */
export const RECONCILE_MS = 2000;
/** Budgets, reports and window occurrences are recomputed on the server: re-read at most this often while changes flow. */
export const BUDGET_REFETCH_MS = 2000;
/** Query paths (the first part of a tRPC query key) whose answers a change can move. */
const BUDGET_PATHS: ReadonlySet<string> = new Set(['budgets', 'reports']);
/**
 * Alerts are evaluated on the server within about a second of the change that moves them
 * (and on a clock for stale rules, which `useAlertList`'s interval covers), so the alert
 * queries on screen are re-read at once and again this long after a change.
 */
export const ALERT_SETTLE_MS = 1500;
/** At most ten renders a second under a burst; see createFrameBatcher. */
const MIN_FLUSH_INTERVAL_MS = 100;

const keys = {
  list: getQueryKey(trpc.entities.list),
  summary: getQueryKey(trpc.entities.summary),
  history: getQueryKey(trpc.entities.history),
  facets: getQueryKey(trpc.entities.facets),
  recent: getQueryKey(trpc.cache.recentChanges),
  status: getQueryKey(trpc.cache.status),
};

/** tRPC query keys are [path, { input, type }]; this reads the input back. */
function inputOf<T>(key: QueryKey): T | undefined {
  const meta = key[1] as { input?: T } | undefined;
  return meta?.input;
}

export type LiveUpdater = { push(change: Change): void; flush(): void; refetchAll(): void };

/**
 * Applies live changes to every cached view in place (rows, rollups, recent changes, an
 * open history), one batch per animation frame (at most ten a second), then re-reads the server's own ordering
 * at most every RECONCILE_MS: patching gives the instant update, the refetch keeps sort
 * order, paging and counts exact.
 */
export function createLiveUpdater(qc: QueryClient, schedule: Scheduler = frameScheduler): LiveUpdater {
  const reconcile = throttle(() => {
    for (const queryKey of [keys.list, keys.summary, keys.status]) void qc.invalidateQueries({ queryKey });
  }, RECONCILE_MS);
  // Budget figures cannot be patched in place (windows, policy and rollups live on the
  // server): refetch the ones on screen, leading and trailing, at most every 2 s.
  /** Invalidates the queries whose tRPC path (`['budgets', 'overview']`) passes `test`. */
  const invalidatePaths = (test: (path: unknown[]) => boolean) =>
    void qc.invalidateQueries({ predicate: (q) => test((q.queryKey[0] as unknown[] | undefined) ?? []) });
  const refreshBudgets = throttle(
    // Daily series (trend, sparklines, heatmap) move little with one result: their own staleTime refreshes them.
    () => invalidatePaths((path) => BUDGET_PATHS.has(String(path[0])) && path[1] !== 'series'),
    BUDGET_REFETCH_MS,
  );
  // No alerts subscription exists: the change stream says when alerts may have moved.
  const refreshAlerts = throttle(
    () => invalidatePaths((path) => path[0] === 'alerts' && (path[1] === 'list' || path[1] === 'deliveries')),
    BUDGET_REFETCH_MS,
  );
  const refreshFacets = throttle(() => void qc.invalidateQueries({ queryKey: keys.facets }), RECONCILE_MS);

  const apply = (changes: Change[], overflowed: boolean) => {
    if (overflowed) {
      // Part of the stream was dropped while the tab was hidden: patches would be partial.
      void qc.invalidateQueries();
      return;
    }
    noteChanges(changes.length);
    const latest = latestByEntity(changes);
    qc.setQueriesData<EntityList>({ queryKey: keys.list }, (old) => (old ? patchList(old, latest) : old));
    let unknownGroup = false;
    qc.setQueriesData<Summary>({ queryKey: keys.summary }, (old) => {
      if (!old) return old;
      const patch = patchSummary(old, changes);
      unknownGroup ||= patch.unknownGroup;
      return patch.summary;
    });
    for (const [key, data] of qc.getQueriesData<RecentPages>({ queryKey: keys.recent })) {
      if (!data?.pages) continue;
      const next = prependRecent(data, changes, inputOf<RecentChangesInput>(key) ?? {});
      if (next !== data) qc.setQueryData(key, next);
    }
    for (const [key, data] of qc.getQueriesData<History>({ queryKey: keys.history })) {
      if (!data) continue;
      const next = patchHistory(data, changes);
      if (next !== data) qc.setQueryData(key, next);
    }
    if (unknownGroup) refreshFacets();
    reconcile();
    refreshBudgets();
    refreshAlerts();
    setTimeout(refreshAlerts, ALERT_SETTLE_MS);
  };

  const batcher = createFrameBatcher(apply, schedule, { minIntervalMs: MIN_FLUSH_INTERVAL_MS });
  return {
    push: batcher.push,
    flush: batcher.flush,
    refetchAll: () => void qc.invalidateQueries(),
  };
}
