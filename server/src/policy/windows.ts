import type { MaintenanceWindow } from '@sla/shared';
import type { Db } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { assertNotFileManaged } from './file-managed.js';
import { readWindow } from './pg-policy.js';
import { type ScopeView, validateWindow, type WindowDraft } from './scope.js';
import type { PolicyStore } from './store.js';
import type { WindowCreate, WindowUpdate } from './window-input.js';
import { deleteWindowRow, insertWindowRow, updateWindowRow } from './window-rows.js';
import { windowToWire } from './wire.js';

export type WindowDeps = {
  db: Pick<Db, 'tx'>;
  view: ScopeView;
  store: PolicyStore;
  /** False until the pod's view is loaded: scopes cannot be checked before. */
  loaded: () => boolean;
};

const ms = (iso: string) => Date.parse(iso);

function assertLoaded(d: WindowDeps): void {
  if (!d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; retry shortly', 2);
}

const notFound = (id: number) => new AppError('NOT_FOUND', `id: no maintenance window ${id}`);

/**
 * Creates a window (audited in the same transaction) and announces it to every pod.
 * `timeZone` defaults to the tenant's.
 * @throws AppError FORBIDDEN (not an admin of the tenant), BAD_INPUT naming the field, UNAVAILABLE.
 */
export async function createWindow(d: WindowDeps, admin: Admin, input: WindowCreate): Promise<MaintenanceWindow> {
  assertAdminOf(admin, input.tenantName);
  assertLoaded(d);
  const draft: WindowDraft = {
    ...input,
    rrule: input.rrule?.trim() || null,
    timeZone: input.timeZone ?? d.store.settingsOf(input.tenantName).timeZone,
    start: ms(input.start),
    end: ms(input.end),
    until: input.until === null ? null : ms(input.until),
  };
  validateWindow(d.view, draft);
  const created = await d.db.tx((sql) => insertWindowRow(sql, admin.label, draft));
  await d.store.changed();
  return windowToWire(created);
}

/**
 * Changes the fields given of window `id` (audited with before and after). Moving a window to
 * another tenant needs admin of both. An update that changes nothing writes nothing (no audit
 * entry, no announcement) and answers the window as it is.
 * @throws AppError NOT_FOUND, FORBIDDEN, BAD_INPUT naming the field, CONFLICT (managed by the rules file), UNAVAILABLE.
 */
export async function updateWindow(d: WindowDeps, admin: Admin, input: WindowUpdate): Promise<MaintenanceWindow> {
  assertLoaded(d);
  const { id, ...given } = input;
  const updated = await d.db.tx(async (sql) => {
    const before = await readWindow(sql, id, true);
    if (!before) throw notFound(id);
    assertAdminOf(admin, before.tenantName);
    if (given.tenantName !== undefined) assertAdminOf(admin, given.tenantName);
    await assertNotFileManaged(sql, 'windows', String(id), `window ${id}`);
    const draft: WindowDraft = {
      ...before,
      ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
      rrule: given.rrule === undefined ? before.rrule : given.rrule?.trim() || null,
      start: given.start === undefined ? before.start : ms(given.start),
      end: given.end === undefined ? before.end : ms(given.end),
      until: given.until === undefined ? before.until : given.until === null ? null : ms(given.until),
    };
    validateWindow(d.view, draft);
    const after = await updateWindowRow(sql, admin.label, before, draft);
    return { after, changed: after !== before };
  });
  if (updated.changed) await d.store.changed();
  return windowToWire(updated.after);
}

/**
 * Deletes window `id`: its row is kept with `deleted_at` set (so the audit log's ids stay
 * resolvable), and the audit entry holds the window as it was.
 * @throws AppError NOT_FOUND, FORBIDDEN, CONFLICT (managed by the rules file), UNAVAILABLE.
 */
export async function deleteWindow(d: WindowDeps, admin: Admin, id: number): Promise<MaintenanceWindow> {
  const deleted = await d.db.tx(async (sql) => {
    const before = await readWindow(sql, id, true);
    if (!before) throw notFound(id);
    assertAdminOf(admin, before.tenantName);
    await assertNotFileManaged(sql, 'windows', String(id), `window ${id}`);
    await deleteWindowRow(sql, admin.label, before);
    return before;
  });
  await d.store.changed();
  return windowToWire(deleted);
}
