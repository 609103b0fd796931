import { type TenantSettings, ZNoDataPolicy } from '@sla/shared';
import { z } from 'zod';
import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { canonicalZone } from '../platform/time-zone.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { readTenantSettings } from './pg-policy.js';
import { assertTenantExists, assertZone, type ScopeView } from './scope.js';
import type { PolicyStore } from './store.js';
import type { SettingsOverride } from './types.js';

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

/** The stored overrides as the audit log keeps them (null: the default applies). */
const auditShape = (o: SettingsOverride | null) =>
  o && { timeZone: o.timeZone, windowDays: o.windowDays, noDataPolicy: o.noDataPolicy };

/**
 * Sets a tenant's budget settings (audited in the same transaction, announced to every pod)
 * and answers the effective settings. Setting what is already stored writes nothing (no
 * audit entry, no announcement).
 * @throws AppError FORBIDDEN (not an admin of the tenant), BAD_INPUT naming the field (an
 *   unknown tenant or time zone), UNAVAILABLE.
 */
export async function setTenantSettings(d: SettingsDeps, admin: Admin, input: SetSettings): Promise<TenantSettings> {
  assertAdminOf(admin, input.tenantName);
  if (!d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; retry shortly', 2);
  assertTenantExists(d.view, input.tenantName);
  if (input.timeZone) assertZone(input.timeZone);
  const changed = await d.db.tx(async (sql) => {
    const before = await readTenantSettings(sql, input.tenantName, true);
    const pick = <K extends 'timeZone' | 'windowDays' | 'noDataPolicy'>(k: K) =>
      input[k] === undefined ? (before?.[k] ?? null) : input[k];
    const same = (['timeZone', 'windowDays', 'noDataPolicy'] as const).every((k) => before?.[k] === pick(k));
    if (before && same) return false;
    const [row] = await sql<{ updated_at: Date }>(
      `INSERT INTO sla_tenant_settings (tenant_name, time_zone, window_days, nodata_policy, updated_at)
       VALUES (?, ?, ?, ?, now())
       ON CONFLICT (tenant_name) DO UPDATE SET time_zone = EXCLUDED.time_zone, window_days = EXCLUDED.window_days,
         nodata_policy = EXCLUDED.nodata_policy, updated_at = EXCLUDED.updated_at
       RETURNING updated_at`,
      [input.tenantName, pick('timeZone'), pick('windowDays'), pick('noDataPolicy')],
    );
    const after: SettingsOverride = {
      tenantName: input.tenantName,
      timeZone: pick('timeZone'),
      windowDays: pick('windowDays'),
      noDataPolicy: pick('noDataPolicy'),
      updatedAt: new Date(row?.updated_at ?? Date.now()).getTime(),
    };
    await recordAudit(sql, {
      actor: admin.label,
      action: before ? 'update' : 'create',
      objectType: 'tenant_settings',
      objectId: input.tenantName,
      tenantName: input.tenantName,
      before: auditShape(before),
      after: auditShape(after),
    });
    return true;
  });
  if (changed) await d.store.changed();
  return d.store.settingsOf(input.tenantName);
}
