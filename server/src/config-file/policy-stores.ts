import { AppError } from '../platform/errors.js';
import { readSettings, readTenantSettings, readWindow, readWindows } from '../policy/pg-policy.js';
import { assertZone, validateWindowTimes, type WindowDraft } from '../policy/scope.js';
import { deleteSettingsRow, writeSettingsRow } from '../policy/settings-rows.js';
import type { WindowRecord } from '../policy/types.js';
import { deleteWindowRow, insertWindowRow, updateWindowRow } from '../policy/window-rows.js';
import { windowToWire } from '../policy/wire.js';
import type { CurrentObject, DesiredObject } from './model.js';
import type { FileWindow } from './schema.js';
import type { KindStore } from './target.js';

/** A stored window as the file writes it (timeZone resolved, times in UTC ISO form, as the API shows them). */
export function windowSpec(w: WindowRecord) {
  const { scope, category, reason, start, end, rrule, timeZone, until } = windowToWire(w);
  return { ...scope, category, reason, start, end, rrule, timeZone, until };
}

/** Runs a policy check, naming the file object's kind and key in what it throws. */
function checked(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof AppError) throw new AppError('BAD_INPUT', `${where}: ${err.message}`);
    throw err;
  }
}

/** The file window's draft; `timeZone` was filled with the tenant's by `fillWindowZones`. */
function draftOf(d: DesiredObject): WindowDraft {
  const w = d.value as FileWindow;
  const draft: WindowDraft = {
    tenantName: w.tenantName,
    teamName: w.teamName,
    entityType: w.entityType,
    entityId: w.entityId,
    category: w.category,
    reason: w.reason,
    start: Date.parse(w.start),
    end: Date.parse(w.end),
    rrule: w.rrule?.trim() || null,
    timeZone: String(d.spec.timeZone),
    until: w.until === null ? null : Date.parse(w.until),
  };
  checked(`windows.${d.key}`, () => validateWindowTimes(draft));
  return draft;
}

/**
 * Maintenance windows through policy/'s row writes. A window the file manages is known by its
 * registry row (file key → window id); any other live window appears as `window-<id>`.
 */
export const windowStore: KindStore = {
  kind: 'windows',
  async read(sql, managed) {
    const keyOf = new Map(managed.map((m) => [m.objectId, m.key]));
    return (await readWindows(sql)).map((w): CurrentObject => {
      const key = keyOf.get(String(w.id));
      return { key: key ?? `window-${w.id}`, spec: windowSpec(w), managed: key !== undefined, id: String(w.id) };
    });
  },
  async write(sql, plan, actor) {
    const ids = new Map<string, string | null>();
    for (const d of plan.create) ids.set(d.key, String((await insertWindowRow(sql, actor, draftOf(d))).id));
    for (const { desired, current } of plan.update) {
      const before = await readWindow(sql, Number(current.id), true);
      if (!before) throw new AppError('UNAVAILABLE', `windows.${desired.key}: changed meanwhile; reload again`, 1);
      ids.set(desired.key, String((await updateWindowRow(sql, actor, before, draftOf(desired))).id));
    }
    return ids;
  },
  async remove(sql, plan, actor) {
    for (const c of plan.delete) {
      const before = await readWindow(sql, Number(c.id), true);
      if (before) await deleteWindowRow(sql, actor, before);
    }
  },
};

/** Tenant settings (time zone, budget window, no-data policy) through policy/'s row writes; the key is the tenant. */
export const tenantStore = (): KindStore => ({
  kind: 'tenants',
  async read(sql, managed) {
    const keys = new Set(managed.map((m) => m.key));
    return (await readSettings(sql)).map((s) => ({
      key: s.tenantName,
      spec: { tenantName: s.tenantName, timeZone: s.timeZone, windowDays: s.windowDays, noDataPolicy: s.noDataPolicy },
      managed: keys.has(s.tenantName),
      id: null,
    }));
  },
  async write(sql, plan, actor) {
    const written = [...plan.create, ...plan.update.map((u) => u.desired)];
    for (const d of written) {
      const s = d.spec as {
        tenantName: string;
        timeZone: string | null;
        windowDays: number | null;
        noDataPolicy: null;
      };
      if (s.timeZone) checked(`tenants.${d.key}`, () => assertZone(s.timeZone as string));
      await writeSettingsRow(sql, actor, await readTenantSettings(sql, s.tenantName, true), s);
    }
    // The tenant is the key: no other id to remember.
    return new Map(written.map((d) => [d.key, null]));
  },
  async remove(sql, plan, actor) {
    for (const c of plan.delete) await deleteSettingsRow(sql, actor, c.key);
  },
});
