import type { History } from '@sla/shared';
import type { AppDeps } from '../app-deps.js';
import { entityChanges } from '../changelog/log.js';
import { staleBefore, toWireEntity } from '../domain/wire.js';
import { AppError } from '../platform/errors.js';

const iso = (t: number) => new Date(t).toISOString();

/** An entity's SLA over time and its status transitions, from the change log. */
export async function entityHistory(app: AppDeps, id: number, days: number): Promise<History> {
  const entity = app.cache.view.get(id);
  if (!entity) throw new AppError('NOT_FOUND', `No entity with id ${id}`);
  app.cache.hits++;
  const changes = await entityChanges(app.db.sql, id, Date.now() - days * 86_400_000);
  const transitions = changes
    .filter((c) => c.applied && c.previousStatus !== c.status)
    .map((c) => ({ at: iso(c.observedAt), from: c.previousStatus, to: c.status, changeId: c.id }));
  return {
    entity: toWireEntity(entity, staleBefore(app.config.STALE_AFTER_MINUTES)),
    points: changes.map((c) => ({ at: iso(c.observedAt), sla: c.currentSla, status: c.status })),
    transitions,
    lastReceivedAt: changes.length > 0 ? iso(Math.max(...changes.map((c) => c.receivedAt))) : null,
  };
}
