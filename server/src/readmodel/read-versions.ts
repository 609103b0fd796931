import type { ChangeFeed } from '../changelog/feed.js';
import type { ChangeFollower } from '../changelog/follower.js';
import type { EntityView } from './view.js';

/** What the version numbers are read from: this pod's view, change feed and follower. */
export type ReadVersionSource = {
  view: EntityView;
  feed: ChangeFeed;
  follower: ChangeFollower;
  /** The change log's identity (a replaced log restarts its ids). */
  epoch: () => string | null;
};

/**
 * Version strings of what each kind of read is computed from; a string changes whenever
 * an answer computed from it could change (apart from the clock, which callers key by
 * themselves). Cheap: read on every request of the hot read path (http/hot-reads.ts).
 * - `entities`: the view's revision (bumped by every applied change and every reset).
 * - `changes`: the log's identity, the last change delivered and the ring's window
 *   (a re-primed ring can change where a page is answered from).
 */
export function readVersions(s: ReadVersionSource) {
  // The last revision's string, kept: read on every hot read, it changes far less often.
  let revision = -1;
  let entities = '';
  return {
    entities: (): string => {
      if (s.view.revision !== revision) {
        revision = s.view.revision;
        entities = `v${revision}`;
      }
      return entities;
    },
    changes: (): string => {
      const w = s.feed.recent().window;
      return `${s.epoch() ?? '-'}:${s.follower.applied}:${w ? `${w.fromId}-${w.toId}` : '-'}`;
    },
  };
}
