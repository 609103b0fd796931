import type { Logger } from 'pino';
import { type LogRun, toChangeRun } from '../domain/change.js';
import { throttleFor } from '../platform/log-throttle.js';
import type { ChangeTail } from './change-tail.js';
import { type ChangesMessage, formatChanges } from './messages.js';
import type { RedisLink } from './redis/link.js';

/**
 * Writes a committed run to Redis (one Lua call for the entities, then one appending it to
 * the change tail: separate keys, separate calls, so each stays in one cluster slot) and
 * publishes it on `channel`, waiting at
 * most `waitMs` (ms). Resolves true when both finished in time, false when it stopped
 * waiting or Redis failed: the change is committed and in this pod's view either way, a
 * Redis that stopped answering must not hold the poller's 2xx, and the log replay
 * (`syncRedis`) repairs Redis within seconds. Never throws.
 */
export async function writeThrough(
  redis: RedisLink,
  run: LogRun,
  d: { podId: string; epoch: string; channel: string; waitMs: number; log: Logger; tail: ChangeTail },
): Promise<boolean> {
  const message: ChangesMessage = { pod: d.podId, epoch: d.epoch, ...run };
  // The message goes out once the tail has the run, so a pod that hears it (or a later one)
  // and reads the tail finds the run there. On one server the order of commands on one
  // connection would do; on a cluster the tail and the publish reach different nodes.
  const written = Promise.all([
    redis.store.applyChanges(toChangeRun(run)),
    d.tail.append(d.epoch, run.changes).then(() => redis.publish(d.channel, formatChanges(message))),
  ]).then(
    () => true,
    (err: Error) => {
      // One per commit while Redis is failing: summarised, not one line per request.
      throttleFor(d.log).warn(
        'redis-write-through',
        { err: err.message },
        'redis write-through failed; the log replay will repair it',
      );
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), d.waitMs);
  });
  try {
    return await Promise.race([written, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
