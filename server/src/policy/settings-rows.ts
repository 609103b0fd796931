import { recordAudit } from '../audit/record.js';
import type { Sql } from '../db/sql.js';
import { readTenantSettings } from './pg-policy.js';
import type { SettingsOverride } from './types.js';

/**
 * The audited row writes of tenant settings, inside the caller's transaction: the API
 * (settings.ts) and the rules file (config-file/) both write through these. Callers call
 * `PolicyStore.changed()` after commit.
 */

/** The fields a tenant's override sets (null: the global default). */
export type SettingsFields = Omit<SettingsOverride, 'updatedAt'>;

/** The stored overrides as the audit log keeps them (null: the default applies). */
const auditShape = (o: SettingsFields | null) =>
  o && { timeZone: o.timeZone, windowDays: o.windowDays, noDataPolicy: o.noDataPolicy };

/**
 * Writes `after` as the tenant's overrides (audited as create or update against `before`).
 * Returns them as stored — `before` itself when `after` changes nothing (nothing written).
 */
export async function writeSettingsRow(
  sql: Sql,
  actor: string,
  before: SettingsOverride | null,
  after: SettingsFields,
): Promise<SettingsOverride> {
  const same = (['timeZone', 'windowDays', 'noDataPolicy'] as const).every((k) => before?.[k] === after[k]);
  if (before && same) return before;
  const [row] = await sql<{ updated_at: Date }>(
    `INSERT INTO sla_tenant_settings (tenant_name, time_zone, window_days, nodata_policy, updated_at)
     VALUES (?, ?, ?, ?, now())
     ON CONFLICT (tenant_name) DO UPDATE SET time_zone = EXCLUDED.time_zone, window_days = EXCLUDED.window_days,
       nodata_policy = EXCLUDED.nodata_policy, updated_at = EXCLUDED.updated_at
     RETURNING updated_at`,
    [after.tenantName, after.timeZone, after.windowDays, after.noDataPolicy],
  );
  await recordAudit(sql, {
    actor,
    action: before ? 'update' : 'create',
    objectType: 'tenant_settings',
    objectId: after.tenantName,
    tenantName: after.tenantName,
    before: auditShape(before),
    after: auditShape(after),
  });
  return { ...after, updatedAt: new Date(row?.updated_at ?? Date.now()).getTime() };
}

/** Removes a tenant's overrides, so the global defaults apply again (audited; nothing stored: no-op). */
export async function deleteSettingsRow(sql: Sql, actor: string, tenantName: string): Promise<void> {
  const before = await readTenantSettings(sql, tenantName, true);
  if (!before) return;
  await sql('DELETE FROM sla_tenant_settings WHERE tenant_name = ?', [tenantName]);
  await recordAudit(sql, {
    actor,
    action: 'delete',
    objectType: 'tenant_settings',
    objectId: tenantName,
    tenantName,
    before: auditShape(before),
    after: null,
  });
}
