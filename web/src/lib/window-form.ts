import type { MaintenanceWindow, WindowCategory } from '@sla/shared';
import type { WindowInput } from './api-types';
import { fromLocalInput, toLocalInput } from './windows';

/** The window form's fields as typed (strings, as inputs hold them). */
export type WindowForm = {
  tenantName: string;
  teamName: string;
  entityType: string;
  entityId: string;
  category: WindowCategory;
  reason: string;
  start: string;
  end: string;
  rrule: string;
  timeZone: string;
  until: string;
};
export const WINDOW_FIELDS = [
  'tenantName',
  'teamName',
  'entityType',
  'entityId',
  'category',
  'reason',
  'start',
  'end',
  'rrule',
  'timeZone',
  'until',
] as const satisfies readonly (keyof WindowForm)[];

/** A blank form: the next full hour for an hour, in the browser's zone. */
export function emptyForm(tenantName: string, now = Date.now()): WindowForm {
  const start = Math.ceil(now / 3_600_000) * 3_600_000;
  return {
    tenantName,
    teamName: '',
    entityType: '',
    entityId: '',
    category: 'maintenance',
    reason: '',
    start: toLocalInput(new Date(start).toISOString()),
    end: toLocalInput(new Date(start + 3_600_000).toISOString()),
    rrule: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    until: '',
  };
}

/** The form of an existing window, for editing. */
export function formOf(w: MaintenanceWindow): WindowForm {
  return {
    tenantName: w.scope.tenantName,
    teamName: w.scope.teamName ?? '',
    entityType: w.scope.entityType ?? '',
    entityId: w.scope.entityId == null ? '' : String(w.scope.entityId),
    category: w.category,
    reason: w.reason,
    start: toLocalInput(w.start),
    end: toLocalInput(w.end),
    rrule: w.rrule ?? '',
    timeZone: w.timeZone,
    until: w.until ? toLocalInput(w.until) : '',
  };
}

/**
 * What the form sends. Blank optional fields become null; nothing is validated here: the
 * server's messages (shown next to each field) are the one source of the rules. An entity
 * id that is not a number is sent as typed so the server names it.
 */
export function toInput(f: WindowForm): WindowInput {
  const trimmed = f.entityId.trim();
  const id = trimmed === '' ? null : Number(trimmed);
  return {
    tenantName: f.tenantName,
    teamName: f.teamName.trim() || null,
    entityType: f.entityType.trim() || null,
    entityId: id == null ? null : Number.isInteger(id) ? id : (trimmed as unknown as number),
    category: f.category,
    reason: f.reason.trim(),
    start: fromLocalInput(f.start),
    end: fromLocalInput(f.end),
    rrule: f.rrule.trim() || null,
    timeZone: f.timeZone.trim(),
    until: f.until ? fromLocalInput(f.until) : null,
  };
}
