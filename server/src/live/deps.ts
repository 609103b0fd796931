import type { ChangeTail } from '../cache/change-tail.js';
import type { ChangeFeed } from '../changelog/feed.js';
import type { ChangeFollower } from '../changelog/follower.js';
import type { Sql } from '../db/sql.js';
import type { Metrics } from '../platform/metrics.js';

/** What the recent-changes list and the live feed read: the pod's feed, how far it is, and the log. */
export type LiveDeps = {
  feed: ChangeFeed;
  follower: Pick<ChangeFollower, 'applied'>;
  /** The change log's epoch as this pod knows it (null before start-up read it). */
  epoch: () => string | null;
  /** Resolves once the pod's view is loaded: before that the follower has no position to replay from. */
  whenLoaded: () => Promise<void>;
  sql: Sql;
  metrics: Metrics;
  /** The Redis change tail when it can be read now (null: read PostgreSQL). */
  tail: () => Pick<ChangeTail, 'readAfter' | 'before'> | null;
};
