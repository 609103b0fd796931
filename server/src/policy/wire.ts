import type { MaintenanceWindow } from '@sla/shared';
import type { WindowRecord } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A window as the API shows it (and as the audit log keeps it). */
export const windowToWire = (w: WindowRecord): MaintenanceWindow => ({
  id: w.id,
  scope: { tenantName: w.tenantName, teamName: w.teamName, entityType: w.entityType, entityId: w.entityId },
  category: w.category,
  reason: w.reason,
  start: iso(w.start),
  end: iso(w.end),
  rrule: w.rrule,
  timeZone: w.timeZone,
  until: w.until === null ? null : iso(w.until),
  createdBy: w.createdBy,
  updatedAt: iso(w.updatedAt),
});
