import type { Status } from '@sla/shared';
import type { EntityState, Identity } from './entity.js';

/** A change-log row as pods pass it around (times in epoch ms). */
export type LogChange = Identity & {
  id: number;
  entityId: number;
  previousSla: number | null;
  previousStatus: Status | null;
  currentSla: number;
  status: Status;
  slaTarget: number;
  statusSince: number;
  observedAt: number;
  receivedAt: number;
  applied: boolean;
  source: string;
};

/** A gapless, ascending run of changes: what one commit (or one catch-up read) produced. */
export type LogRun = { fromId: number; toId: number; changes: LogChange[] };

/**
 * A contiguous run of the change log, ready to apply to a cache generation.
 * `fromId..toId` are the change ids covered (ascending, gapless); `entities` are the
 * new states of the changes that were applied (a change recorded as stale has none).
 */
export type ChangeRun = { fromId: number; toId: number; entities: EntityState[] };

/** The run a cache store applies: the applied changes' entity states. */
export const toChangeRun = (run: LogRun): ChangeRun => ({
  fromId: run.fromId,
  toId: run.toId,
  entities: run.changes.filter((c) => c.applied).map(entityOf),
});

/** The entity state an applied change produced. */
export const entityOf = (c: LogChange): EntityState => ({
  id: c.entityId,
  tenantName: c.tenantName,
  teamName: c.teamName,
  entityType: c.entityType,
  entityName: c.entityName,
  slaTarget: c.slaTarget,
  currentSla: c.currentSla,
  status: c.status,
  statusSince: c.statusSince,
  observedAt: c.observedAt,
  updatedAt: c.receivedAt,
  version: c.id,
});

/** Strips a committed change to the fields other pods need (no details, no planner keys). */
export const toLogChange = (c: LogChange): LogChange => ({
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
  statusSince: c.statusSince,
  observedAt: c.observedAt,
  receivedAt: c.receivedAt,
  applied: c.applied,
  source: c.source,
});
