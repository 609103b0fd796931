import type { Change, Status } from '@sla/shared';
import type { CachedEntity } from '../cache/store/types.js';

/** A change-log row as pods pass it around (times in epoch ms). */
export type LogChange = {
  id: number;
  entityId: number;
  tenantName: string;
  teamName: string;
  entityType: string;
  entityName: string;
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

/** The entity state an applied change produced. */
export const entityOf = (c: LogChange): CachedEntity => ({
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
