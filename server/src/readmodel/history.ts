import type { History } from '@sla/shared';
import { entityChanges } from '../changelog/log.js';
import type { Sql } from '../db/sql.js';
import { staleBefore, toWireEntity } from '../domain/wire.js';
import { AppError } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import type { EntityView } from './view.js';

const iso = (t: number) => new Date(t).toISOString();

/**
 * An entity's SLA over the last `days` days (points ordered by observedAt) and its status
 * transitions, read from the change log in PostgreSQL (counted as a cache miss).
 * @throws AppError NOT_FOUND when no entity has this id.
 */
export async function entityHistory(
  d: { view: EntityView; sql: Sql; metrics: Metrics; staleAfterMinutes: number },
  id: number,
  days: number,
): Promise<History> {
  const entity = d.view.get(id);
  if (!entity) throw new AppError('NOT_FOUND', `No entity with id ${id}`);
  d.metrics.cacheReads.inc({ result: 'miss' });
  const changes = await entityChanges(d.sql, id, Date.now() - days * 86_400_000);
  const transitions = changes
    .filter((c) => c.applied && c.previousStatus !== c.status)
    .map((c) => ({ at: iso(c.observedAt), from: c.previousStatus, to: c.status, changeId: c.id }));
  return {
    entity: toWireEntity(entity, staleBefore(d.staleAfterMinutes)),
    points: changes.map((c) => ({ at: iso(c.observedAt), sla: c.currentSla, status: c.status })),
    transitions,
    lastReceivedAt: changes.length > 0 ? iso(Math.max(...changes.map((c) => c.receivedAt))) : null,
  };
}
