import type { Logger } from 'pino';
import type { CacheCoordinator } from '../cache/coordinator.js';
import type { Db } from '../db/sql.js';
import type { Config } from '../platform/config.js';
import { PolicyStore } from '../policy/store.js';

/**
 * The pod's PolicyStore: announced and mirrored through the cache's Redis (when configured),
 * hearing the policy channel through the cache's subscriber.
 */
export function policyStore(config: Config, db: Db, cache: CacheCoordinator, log: Logger): PolicyStore {
  const redis = cache.redis;
  const store = new PolicyStore({
    db,
    redis: redis && {
      publish: (message) => cache.publishPolicy(message),
      get: (key) => redis.cmd.get(key),
      set: (key, value) => redis.cmd.set(key, value),
    },
    prefix: config.REDIS_KEY_PREFIX,
    podId: config.podId,
    defaults: {
      timeZone: config.DEFAULT_TIME_ZONE,
      windowDays: config.BUDGET_WINDOW_DAYS,
      noDataPolicy: config.BUDGET_NODATA_POLICY,
    },
    log,
  });
  cache.onPolicyMessage({ message: (raw) => store.heard(raw), missed: () => store.missed() });
  return store;
}
