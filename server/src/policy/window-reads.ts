import type { MaintenanceWindow } from '@sla/shared';
import type { z } from 'zod';
import { expandWindow, normalizeRrule } from '../domain/budget/index.js';
import { AppError, unknownTenant } from '../platform/errors.js';
import { appliesTo, type ScopeView } from './scope.js';
import type { PolicyStore } from './store.js';
import type { WindowRecord } from './types.js';
import { MAX_OCCURRENCE_DAYS, type ZOccurrence, type ZOccurrencesInput, type ZWindowList } from './window-input.js';
import { windowToWire } from './wire.js';

const DAY = 86_400_000;

/**
 * The live windows (of `tenantName`, or all), from the pod's PolicyStore, ascending id;
 * without `includeEnded`, windows whose last occurrence ended before `now` are left out.
 * @throws AppError NOT_FOUND naming `tenantName` when the view knows no such tenant (as a
 *   report or a tenant budget of it answers).
 */
export function listWindows(
  store: PolicyStore,
  view: ScopeView,
  input: z.infer<typeof ZWindowList>,
  now = Date.now(),
): { items: MaintenanceWindow[] } {
  if (input.tenantName !== undefined && !view.tenants.has(input.tenantName)) throw unknownTenant(input.tenantName);
  const items = store
    .windows()
    .filter((w) => input.tenantName === undefined || w.tenantName === input.tenantName)
    .filter((w) => input.includeEnded || !ended(w, now));
  return { items: items.map(windowToWire) };
}

/** Four years and a day: every rule that repeats at all (even on 29 February) occurs within it. */
const HORIZON = 4 * 366 * DAY;

/**
 * Whether the window's last occurrence ended by `now`: a one-off one at its end; a recurring one
 * past `until`, or — when its RRULE ends (COUNT or UNTIL) — with no occurrence from now on.
 */
function ended(w: WindowRecord, now: number): boolean {
  if (!w.rrule) return w.end <= now;
  if (w.until !== null && w.until + (w.end - w.start) <= now) return true;
  if (!/(^|;)(COUNT|UNTIL)=/.test(normalizeRrule(w.rrule))) return false;
  return expandWindow(w, [now, now + HORIZON]).length === 0;
}

/**
 * The occurrences of the windows that apply (to `entityId`'s entity, or of `tenantName`, or
 * all) overlapping `[from, to)` (default: 30 days either side of `now`), each cut to the range,
 * ascending by start: what charts shade.
 * @throws AppError BAD_INPUT naming `to` (not after `from`, or more than 400 days after it)
 *   or `entityId` (no such entity).
 */
export function windowOccurrences(
  store: PolicyStore,
  view: ScopeView,
  input: z.infer<typeof ZOccurrencesInput>,
  now = Date.now(),
): { items: z.infer<typeof ZOccurrence>[] } {
  const from = input.from === undefined ? now - 30 * DAY : Date.parse(input.from);
  const to = input.to === undefined ? now + 30 * DAY : Date.parse(input.to);
  if (!(to > from)) throw new AppError('BAD_INPUT', 'to: must be after from');
  if (to - from > MAX_OCCURRENCE_DAYS * DAY)
    throw new AppError('BAD_INPUT', `to: at most ${MAX_OCCURRENCE_DAYS} days after from`);
  let applies: (w: WindowRecord) => boolean = () => true;
  if (input.entityId !== undefined) {
    const e = view.get(input.entityId);
    if (!e || (input.tenantName !== undefined && e.tenantName !== input.tenantName))
      throw new AppError('BAD_INPUT', `entityId: no entity with id ${input.entityId}`);
    applies = (w) => appliesTo(w, e);
  } else if (input.tenantName !== undefined) {
    const tenant = input.tenantName;
    applies = (w) => w.tenantName === tenant;
  }
  const items = store
    .windows()
    .filter(applies)
    .flatMap((w) =>
      expandWindow(w, [from, to]).map(([s, e]) => ({
        windowId: w.id,
        start: new Date(s).toISOString(),
        end: new Date(e).toISOString(),
        category: w.category,
      })),
    )
    .sort((a, b) => a.start.localeCompare(b.start) || a.windowId - b.windowId);
  return { items };
}
