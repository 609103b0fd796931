import { toFloating, validateRrule } from '../domain/budget/index.js';
import { isValidZone } from '../domain/budget/periods.js';
import { AppError } from '../platform/errors.js';
import type { EntityView } from '../readmodel/view.js';
import type { WindowRecord } from './types.js';

/** What the pod's view answers about scopes. */
export type ScopeView = Pick<EntityView, 'tenants' | 'entityTypes' | 'get'>;

const bad = (message: string) => new AppError('BAD_INPUT', message);
const q = JSON.stringify;

/**
 * Refuses a tenant the pod's view does not know (no entity has reported for it).
 * @throws AppError BAD_INPUT naming `field`.
 */
export function assertTenantExists(view: ScopeView, tenantName: string, field = 'tenantName'): void {
  if (!view.tenants.has(tenantName))
    throw bad(`${field}: no tenant ${q(tenantName)} is known (a tenant exists once one of its entities has reported)`);
}

/** Refuses a time zone that is not an IANA zone. @throws AppError BAD_INPUT naming `field`. */
export function assertZone(zone: string, field = 'timeZone'): void {
  if (!isValidZone(zone)) throw bad(`${field}: ${q(zone)} is not an IANA time zone (e.g. UTC, Europe/Berlin)`);
}

/** A window's fields before it is stored. */
export type WindowDraft = Omit<WindowRecord, 'id' | 'createdBy' | 'updatedAt'>;

/**
 * Checks a window as it would be stored: a scope the view knows (the team in the tenant, a
 * known entity type, the entity in the tenant and matching any team/type given), an IANA
 * zone, end after start, an RRULE that parses, `until` only on a recurring window and not
 * before its start.
 * @throws AppError BAD_INPUT naming the first bad field.
 */
export function validateWindow(view: ScopeView, w: WindowDraft): void {
  assertTenantExists(view, w.tenantName);
  if (w.teamName !== null && !view.tenants.get(w.tenantName)?.teams.has(w.teamName))
    throw bad(`teamName: tenant ${q(w.tenantName)} has no team ${q(w.teamName)}`);
  if (w.entityType !== null && !view.entityTypes.includes(w.entityType))
    throw bad(`entityType: no entity type ${q(w.entityType)} is known`);
  if (w.entityId !== null) {
    const e = view.get(w.entityId);
    if (!e || e.tenantName !== w.tenantName)
      throw bad(`entityId: tenant ${q(w.tenantName)} has no entity with id ${w.entityId}`);
    if (w.teamName !== null && e.teamName !== w.teamName)
      throw bad(`teamName: entity ${w.entityId} belongs to team ${q(e.teamName)}, not ${q(w.teamName)}`);
    if (w.entityType !== null && e.entityType !== w.entityType)
      throw bad(`entityType: entity ${w.entityId} is of type ${q(e.entityType)}, not ${q(w.entityType)}`);
  }
  validateWindowTimes(w);
}

/**
 * The checks of `validateWindow` that need no view: an IANA zone, end after start, an RRULE
 * that parses, `until` only on a recurring window and not before its start. The rules file
 * uses these alone: it may declare windows of a tenant no entity has reported for yet.
 * @throws AppError BAD_INPUT naming the first bad field.
 */
export function validateWindowTimes(w: WindowDraft): void {
  assertZone(w.timeZone);
  if (!(w.end > w.start)) throw bad('end: must be after start');
  if (w.rrule !== null) {
    const problem = validateRrule(w.rrule, toFloating(w.start, w.timeZone));
    if (problem) throw bad(problem.startsWith('rrule') ? problem : `rrule: ${problem}`);
  }
  if (w.until !== null && w.rrule === null) throw bad('until: only a recurring window (with rrule) has an until');
  if (w.until !== null && w.until < w.start) throw bad('until: must not be before start');
}

/** Whether window `w` applies to the entity (same tenant; team, type and entity when the window names them). */
export function appliesTo(
  w: Pick<WindowRecord, 'tenantName' | 'teamName' | 'entityType' | 'entityId'>,
  e: { id: number; tenantName: string; teamName: string; entityType: string },
): boolean {
  return (
    w.tenantName === e.tenantName &&
    (w.teamName === null || w.teamName === e.teamName) &&
    (w.entityType === null || w.entityType === e.entityType) &&
    (w.entityId === null || w.entityId === e.id)
  );
}
