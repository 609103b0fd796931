import { type TenantSettings, ZNoDataPolicy } from '@sla/shared';
import { z } from 'zod';
import type { Db } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { canonicalZone } from '../platform/time-zone.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { assertNotFileManaged } from './file-managed.js';
import { readTenantSettings } from './pg-policy.js';
import { assertTenantExists, assertZone, type ScopeView } from './scope.js';
import { writeSettingsRow } from './settings-rows.js';
import type { PolicyStore } from './store.js';

/** `budgets.setSettings`: each field given replaces the tenant's override; null goes back to the global default. */
export const ZSetSettings = z.object({
  tenantName: z.string().min(1).max(256),
  // Stored as the IANA database spells it; an unknown zone is refused later, naming the field.
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .transform((zone) => canonicalZone(zone) ?? zone)
    .nullable()
    .optional(),
  windowDays: z
    .number()
    .int('windowDays: expected a whole number of days')
    .min(1, 'windowDays: at least 1')
    .max(400, 'windowDays: at most 400')
    .nullable()
    .optional(),
  noDataPolicy: ZNoDataPolicy.nullable().optional(),
});
export type SetSettings = z.infer<typeof ZSetSettings>;

export type SettingsDeps = { db: Pick<Db, 'tx'>; view: ScopeView; store: PolicyStore; loaded: () => boolean };

/**
 * Sets a tenant's budget settings (audited in the same transaction, announced to every pod)
 * and answers the effective settings. Setting what is already stored writes nothing (no
 * audit entry, no announcement).
 * @throws AppError FORBIDDEN (not an admin of the tenant), BAD_INPUT naming the field (an
 *   unknown tenant or time zone), CONFLICT (managed by the rules file), UNAVAILABLE.
 */
export async function setTenantSettings(d: SettingsDeps, admin: Admin, input: SetSettings): Promise<TenantSettings> {
  assertAdminOf(admin, input.tenantName);
  if (!d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; retry shortly', 2);
  assertTenantExists(d.view, input.tenantName);
  if (input.timeZone) assertZone(input.timeZone);
  const changed = await d.db.tx(async (sql) => {
    await assertNotFileManaged(
      sql,
      'tenants',
      input.tenantName,
      `The settings of tenant ${JSON.stringify(input.tenantName)}`,
    );
    const before = await readTenantSettings(sql, input.tenantName, true);
    const pick = <K extends 'timeZone' | 'windowDays' | 'noDataPolicy'>(k: K) =>
      input[k] === undefined ? (before?.[k] ?? null) : input[k];
    const after = await writeSettingsRow(sql, admin.label, before, {
      tenantName: input.tenantName,
      timeZone: pick('timeZone'),
      windowDays: pick('windowDays'),
      noDataPolicy: pick('noDataPolicy'),
    });
    return after !== before;
  });
  if (changed) await d.store.changed();
  return d.store.settingsOf(input.tenantName);
}
