import type { Change, Entity } from '@sla/shared';
import type { LogChange } from './change.js';
import type { EntityState } from './entity.js';

const iso = (t: number) => new Date(t).toISOString();

/** The wire form of an entity; `stale` is derived from the time since its last observation. */
export const toWireEntity = (e: EntityState, staleBefore: number): Entity => ({
  id: e.id,
  tenantName: e.tenantName,
  teamName: e.teamName,
  entityType: e.entityType,
  entityName: e.entityName,
  slaTarget: e.slaTarget,
  currentSla: e.currentSla,
  status: e.status,
  statusSince: iso(e.statusSince),
  observedAt: iso(e.observedAt),
  updatedAt: iso(e.updatedAt),
  version: e.version,
  stale: e.observedAt < staleBefore,
});

export const staleBefore = (staleAfterMinutes: number, now = Date.now()) => now - staleAfterMinutes * 60_000;

/** The wire form of a change-log row. */
export const toWireChange = (c: LogChange): Change => ({
  id: c.id,
  entityId: c.entityId,
  tenantName: c.tenantName,
  teamName: c.teamName,
  entityType: c.entityType,
  entityName: c.entityName,
  previousSla: c.previousSla,
  previousStatus: c.previousStatus,
  currentSla: c.currentSla,
  status: c.status,
  slaTarget: c.slaTarget,
  observedAt: new Date(c.observedAt).toISOString(),
  receivedAt: new Date(c.receivedAt).toISOString(),
  applied: c.applied,
  source: c.source,
});
