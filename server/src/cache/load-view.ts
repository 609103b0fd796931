import type { ChangeFeed } from '../changelog/feed.js';
import type { ChangeFollower } from '../changelog/follower.js';
import { readChanges } from '../changelog/log.js';
import type { Db } from '../db/sql.js';
import type { LogChange } from '../domain/change.js';
import type { EntityView } from '../readmodel/view.js';
import { readSnapshot } from './refresh/pg-snapshot.js';
import type { CacheStore, GenerationMeta } from './store/types.js';

/** Changes read into the replay ring at start-up. */
const RING_PRIME = 10_000;
/** Entities per bulk read when loading from Redis (64 buckets read in one round trip). */
const REDIS_BATCH = 8_192;

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

/**
 * Fills a pod's view from the shared cache's current generation (`store` should be on a
 * connection of its own: the reads are bulk) and sets the follower at the generation's
 * watermark, from which the caller catches up. The replay ring is anchored there too,
 * holding `recent` (the newest changes up to the watermark, ascending; may be empty),
 * so resuming subscribers before it are served from the log. Returns the generation's
 * meta, or null when there is none (the view is then left empty).
 * @throws GenerationGoneError when the generation was switched out mid-read (read again).
 */
export async function loadViewFromCache(
  store: CacheStore,
  view: EntityView,
  feed: ChangeFeed,
  follower: ChangeFollower,
  recent: (upTo: number) => Promise<readonly LogChange[]> = async () => [],
): Promise<GenerationMeta | null> {
  view.reset();
  const meta = await store.scan((batch) => {
    for (const e of batch) view.apply(e);
  }, REDIS_BATCH);
  if (!meta) return null;
  feed.prime(await recent(meta.appliedChangeId), meta.appliedChangeId);
  follower.start(meta.appliedChangeId);
  return meta;
}
