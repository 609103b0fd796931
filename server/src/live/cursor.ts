import { parseCursor } from '@sla/shared';
import { logHead } from '../changelog/log.js';
import { AppError } from '../platform/errors.js';
import type { LiveDeps } from './deps.js';

const RELOAD = 'subscribe again without lastEventId and reload from the head';

/**
 * Where a resuming subscriber continues: the change id after which to replay, or null
 * when it gave no cursor (live changes only). A cursor this log cannot have produced is
 * refused with AppError BAD_INPUT naming the problem, never taken as a position:
 * - not a cursor (`<epoch>:<id>` or a plain id),
 * - of another epoch (another log, e.g. before a database restore),
 * - ahead of the log's head (checked against PostgreSQL only when ahead of this pod,
 *   since another pod may be a few changes further; if PostgreSQL cannot say, it is
 *   accepted and the stream waits for the log to get there).
 */
export async function resumePoint(d: LiveDeps, lastEventId: string | null | undefined): Promise<number | null> {
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') return null;
  const shown = JSON.stringify(lastEventId);
  const cursor = parseCursor(lastEventId);
  if (!cursor)
    throw new AppError(
      'BAD_INPUT',
      `lastEventId ${shown} is not a change cursor: expected "<epoch>:<change id>" as sent in the tracked ids (or a plain change id); ${RELOAD}`,
    );
  const epoch = d.epoch();
  if (cursor.epoch !== null && epoch !== null && cursor.epoch !== epoch)
    throw new AppError(
      'BAD_INPUT',
      `lastEventId ${shown} is from another change log (epoch ${cursor.epoch}; this log is epoch ${epoch}, for instance after a database restore): ${RELOAD}`,
    );
  if (cursor.id > d.follower.applied) {
    const head = await logHead(d.sql).catch(() => null);
    if (head !== null && cursor.id > head)
      throw new AppError('BAD_INPUT', `lastEventId ${shown} is ahead of this log's head (change ${head}): ${RELOAD}`);
  }
  return cursor.id;
}
