import type { Change } from '@sla/shared';
import { tracked } from '@trpc/server';
import { readTailFirst } from '../cache/change-tail.js';
import { readChanges } from '../changelog/log.js';
import type { LogChange } from '../domain/change.js';
import { AppError } from '../platform/errors.js';
import type { LiveDeps } from './deps.js';
import { changeEvent } from './event.js';

type Filter = {
  tenantName?: string | undefined;
  teamName?: string | undefined;
};

/** A subscriber that falls this far behind is switched to reading the log instead of buffering. */
const MAX_QUEUE = 10_000;
const PAGE = 1_000;

/**
 * The live change feed for one subscriber: every change after `from` (a change id, see
 * cursor.ts; null: live changes only) in order, exactly once, then live ones, each
 * tracked as `<epoch>:<id>`. It listens before replaying, and skips ids it already sent,
 * so nothing falls between the backlog and the live stream. Should the log be replaced
 * meanwhile (a restore detected), it ends with AppError BAD_INPUT: the subscriber's
 * position means nothing in the new log.
 */
export async function* changeStream(d: LiveDeps, input: Filter, from: number | null, signal: AbortSignal | undefined) {
  // Before the view is loaded (or while it reloads) the follower has no position: wait for it.
  await d.whenLoaded();
  const { feed, follower } = d;
  const wanted = (c: LogChange) =>
    (!input.tenantName || c.tenantName === input.tenantName) && (!input.teamName || c.teamName === input.teamName);
  let queue: LogChange[] = [];
  let overflow = false;
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe((changes) => {
    if (overflow) return;
    queue.push(...changes);
    if (queue.length > MAX_QUEUE) {
      overflow = true;
      queue = [];
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  d.metrics.wsSubscribers.inc();
  const epoch = d.epoch() ?? '';
  let last = from ?? follower.applied;
  // Each change once: anything at or below the last id sent (a repeat from ring, log or feed) is skipped.
  const unsent = function* (changes: readonly LogChange[]) {
    for (const c of changes) {
      if (c.id <= last) continue;
      last = c.id;
      if (!wanted(c)) continue;
      const event = changeEvent(epoch, c);
      // Serialised once for all subscribers (live/event.ts); it encodes as the wire Change.
      yield tracked(event.cursor, event as unknown as Change);
    }
  };
  let backlog = from !== null;
  try {
    while (!signal?.aborted) {
      const now = d.epoch();
      if (now !== epoch)
        throw new AppError(
          'BAD_INPUT',
          `the change log was replaced (epoch ${epoch} is now ${now ?? 'being reloaded'}, for instance after a database restore): subscribe again without lastEventId and reload from the head`,
        );
      if (backlog || overflow) {
        overflow = false;
        // Replay from memory when the ring still has it, else from the Redis tail, else from
        // PostgreSQL; up to what this pod has delivered.
        const upTo = follower.applied;
        const page =
          feed.since(last, PAGE) ??
          (
            await readTailFirst({
              tail: d.tail(),
              after: last,
              limit: PAGE,
              target: upTo,
              readLog: () => readChanges(d.sql, last, PAGE, upTo),
              counted: (source) => d.metrics.changeLogReads.inc({ reader: 'subscribe', source }),
            })
          ).filter((c) => c.id <= upTo);
        yield* unsent(page);
        backlog = page.length > 0 && last < follower.applied;
        continue;
      }
      if (queue.length === 0) {
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = null;
        continue;
      }
      const batch = queue;
      queue = [];
      yield* unsent(batch);
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
    d.metrics.wsSubscribers.dec();
  }
}
