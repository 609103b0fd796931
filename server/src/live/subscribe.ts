import type { Change } from '@sla/shared';
import { tracked } from '@trpc/server';
import { readTailFirst } from '../cache/change-tail.js';
import { readChanges } from '../changelog/log.js';
import type { LogChange } from '../domain/change.js';
import { AppError } from '../platform/errors.js';
import type { LiveDeps } from './deps.js';
import { changeEvent } from './event.js';
import { LiveQueue } from './live-queue.js';

type Filter = {
  tenantName?: string | undefined;
  teamName?: string | undefined;
};

const PAGE = 1_000;

/**
 * The live change feed for one subscriber: every change after `from` (a change id, see
 * cursor.ts; null: live changes only) in order, exactly once, then live ones, each
 * tracked as `<epoch>:<id>`. It listens before replaying, and skips ids it already sent,
 * so nothing falls between the backlog and the live stream. Should the log be replaced
 * meanwhile (a restore detected), it ends with AppError BAD_INPUT: the subscriber's
 * position means nothing in the new log.
 *
 * `direct` (a WebSocket connection whose encoder takes a LiveHandoff, see live/event.ts):
 * once caught up, the first live change is yielded as a hand-off and the later ones are
 * sent straight to the socket as the feed delivers them (live-queue.ts), instead of each
 * passing through the adapter's per-value loop; should direct sending stop (the log was
 * reset), the stream goes back to yielding.
 */
export async function* changeStream(
  d: LiveDeps,
  input: Filter,
  from: number | null,
  signal: AbortSignal | undefined,
  direct = false,
) {
  // Before the view is loaded (or while it reloads) the follower has no position: wait for it.
  await d.whenLoaded();
  const { feed, follower } = d;
  const epoch = d.epoch() ?? '';
  const wanted = (c: LogChange) =>
    (!input.tenantName || c.tenantName === input.tenantName) && (!input.teamName || c.teamName === input.teamName);
  // Serialised once for all subscribers (live/event.ts); it encodes as the wire Change.
  const live = new LiveQueue(from ?? follower.applied, wanted, (c) => changeEvent(epoch, c), follower.applied);
  const unsubscribe = feed.subscribe(live.onChanges);
  const onAbort = () => live.stop();
  signal?.addEventListener('abort', onAbort);
  d.metrics.wsSubscribers.inc();
  const asChange = (e: unknown) => e as Change;
  let backlog = from !== null;
  try {
    while (!signal?.aborted) {
      const now = d.epoch();
      if (now !== epoch)
        throw new AppError(
          'BAD_INPUT',
          `the change log was replaced (epoch ${epoch} is now ${now ?? 'being reloaded'}, for instance after a database restore): subscribe again without lastEventId and reload from the head`,
        );
      if (live.mode === 'yield' && (backlog || live.overflow)) {
        live.overflow = false;
        // Replay from memory when the ring still has it, else from the Redis tail, else from
        // PostgreSQL; up to what this pod has delivered.
        const upTo = follower.applied;
        const last = live.last;
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
        for (const event of live.unsent(page)) yield tracked(event.id, asChange(event));
        backlog = page.length > 0 && live.last < follower.applied;
        continue;
      }
      if (live.mode !== 'yield' || live.queue.length === 0) {
        // Sending directly (or closing): nothing to yield until a reset, an overflow or the end.
        await new Promise<void>((r) => {
          live.wake = r;
        });
        live.wake = null;
        continue;
      }
      if (direct) {
        const handoff = live.handoff();
        if (handoff) yield tracked(handoff.event.id, asChange(handoff));
        live.handedOff();
        continue;
      }
      const batch = live.queue;
      live.queue = [];
      for (const event of live.unsent(batch)) yield tracked(event.id, asChange(event));
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
    d.metrics.wsSubscribers.dec();
  }
}
