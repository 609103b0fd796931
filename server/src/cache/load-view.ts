import type { ChangeFeed } from '../changelog/feed.js';
import type { ChangeFollower } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import type { EntityView } from '../readmodel/view.js';
import { readSnapshot } from './refresh/pg-snapshot.js';

/** Changes read into the replay ring at start-up. */
const RING_PRIME = 10_000;

/**
 * Fills a pod's view from one consistent PostgreSQL snapshot, sets the follower at the
 * snapshot's change id and primes the feed's replay ring with the log's last 10,000
 * changes up to that id, so recent changes and resuming subscribers are served from
 * memory from the first request on. Until it returns, the follower has no position and
 * ignores every offer and catch-up (a subscriber reconnecting meanwhile included).
 */
export async function loadViewFromPostgres(
  db: Db,
  view: EntityView,
  feed: ChangeFeed,
  follower: ChangeFollower,
): Promise<void> {
  view.reset();
  const { head } = await readSnapshot(db, (batch) => {
    for (const e of batch) view.apply(e);
  });
  feed.prime(await readChanges(db.sql, Math.max(0, head - RING_PRIME), RING_PRIME, head), head);
  follower.start(head);
}
