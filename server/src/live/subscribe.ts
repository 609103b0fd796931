import type { Change } from '@sla/shared';
import { tracked } from '@trpc/server';
import { readChanges } from '../changelog/log.js';
import type { LogChange } from '../domain/change.js';
import { toWireChange } from '../domain/wire.js';
import type { LiveDeps } from './deps.js';

type Filter = {
  tenantName?: string | undefined;
  teamName?: string | undefined;
  lastEventId?: string | null | undefined;
};

/** A subscriber that falls this far behind is switched to reading the log instead of buffering. */
const MAX_QUEUE = 10_000;
const PAGE = 1_000;

/**
 * The live change feed for one subscriber: every change after `lastEventId` in order,
 * exactly once, then live ones. It listens before replaying, and skips ids it already
 * sent, so nothing falls between the backlog and the live stream.
 */
export async function* changeStream(d: LiveDeps, input: Filter, signal: AbortSignal | undefined) {
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
  const parsed = Number(input.lastEventId);
  let last = input.lastEventId && Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : follower.applied;
  let backlog = !!input.lastEventId;
  try {
    while (!signal?.aborted) {
      if (backlog || overflow) {
        overflow = false;
        // Replay from memory when the ring still has it, else from the log; up to what this pod has delivered.
        const page = feed.since(last, PAGE) ?? (await readChanges(d.sql, last, PAGE, follower.applied));
        for (const c of page) {
          if (c.id <= last) continue;
          last = c.id;
          if (wanted(c)) yield tracked(String(c.id), toWireChange(c) as Change);
        }
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
      for (const c of batch) {
        if (c.id <= last) continue;
        last = c.id;
        if (wanted(c)) yield tracked(String(c.id), toWireChange(c) as Change);
      }
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
    d.metrics.wsSubscribers.dec();
  }
}
