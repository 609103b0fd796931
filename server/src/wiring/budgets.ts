import type { Logger } from 'pino';
import type { BudgetBook } from '../budget/book.js';
import type { BudgetPolicy } from '../budget/policy.js';
import { BudgetState } from '../budget/state.js';
import type { CacheCoordinator } from '../cache/coordinator.js';
import type { Db } from '../db/sql.js';
import type { HttpDeps } from '../http/deps.js';
import type { Config } from '../platform/config.js';
import type { Metrics } from '../platform/metrics.js';
import { readVersions } from '../readmodel/read-versions.js';

/**
 * The budget state of this pod: follows the cache's feed, loads from the Redis checkpoint
 * (bulk connection) or PostgreSQL, reads the tenants' settings through `policy` (the
 * global defaults until a policy store is wired).
 */
export function budgetState(
  config: Config,
  d: { db: Db; log: Logger; metrics: Metrics; cache: CacheCoordinator },
  policy: BudgetPolicy,
): BudgetState {
  const { cache } = d;
  return new BudgetState({
    ...d,
    feed: cache.feed,
    position: () => cache.follower.applied,
    epoch: () => cache.identity.epoch,
    whenLoaded: () => cache.whenLoaded(),
    tail: () => cache.readableTail(),
    redis: () => (cache.redis?.isUp ? cache.redis.bulk : null),
    prefix: config.REDIS_KEY_PREFIX,
    podId: config.podId,
    policy: () => policy,
    tenants: () => cache.view.tenants.keys(),
    staleAfterMs: config.STALE_AFTER_MINUTES * 60_000,
    checkpointIntervalMs: config.BUDGET_CHECKPOINT_INTERVAL_SECONDS * 1_000,
  });
}

/**
 * The read versions of the hot read procedures (http/hot-reads.ts): the view's revision for
 * `entities.*`, the change log's position for `cache.recentChanges`, and for `cache.status`
 * both plus the pod's mode, connections and PostgreSQL reachability (its other fields,
 * among them the hit/miss counters, may then be up to 1 s old); for `budgets.*` the budget
 * book's revision, the view's and the policy's version.
 */
export function hotReadVersion(
  cache: CacheCoordinator,
  databaseAvailable: () => boolean,
  book: BudgetBook,
  policyVersion: () => number,
): HttpDeps['readVersion'] {
  const v = readVersions({
    view: cache.view,
    feed: cache.feed,
    follower: cache.follower,
    epoch: () => cache.identity.epoch,
  });
  // Budget answers change with the book, the view (names, membership) and the policy; the clock's second is in the key anyway.
  const budgets = () => `${book.revision}|${v.entities()}|${policyVersion()}`;
  const status = () =>
    `${v.entities()}|${v.changes()}|${cache.mode}|${cache.isInitialized}|${databaseAvailable()}|${cache.redis?.cmd.status ?? '-'}|${cache.redis?.sub.status ?? '-'}`;
  const byProcedure: Record<string, () => string> = {
    'entities.summary': v.entities,
    'entities.list': v.entities,
    'entities.facets': v.entities,
    'cache.recentChanges': v.changes,
    'cache.status': status,
    'budgets.overview': budgets,
    'budgets.tenant': budgets,
    'budgets.team': budgets,
    'budgets.entity': budgets,
    'budgets.series': budgets,
  };
  return (procedure) => byProcedure[procedure]?.() ?? null;
}
