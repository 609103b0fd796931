import { NODATA_POLICIES, type NoDataPolicy, type WindowCategory } from '@sla/shared';
import type { Sql } from '../db/sql.js';
import type { PolicyCopy, SettingsOverride, WindowRecord } from './types.js';

type WindowRow = {
  id: number;
  tenant_name: string;
  team_name: string | null;
  entity_type: string | null;
  entity_id: number | null;
  category: string;
  reason: string;
  start: Date;
  end: Date;
  rrule: string | null;
  time_zone: string;
  until: Date | null;
  created_by: string;
  updated_at: Date;
};

type SettingsRow = {
  tenant_name: string;
  time_zone: string | null;
  window_days: number | null;
  nodata_policy: string | null;
  updated_at: Date;
};

const ms = (d: Date) => new Date(d).getTime();

export const WINDOW_COLUMNS = `id, tenant_name, team_name, entity_type, entity_id, category, reason, start, "end", rrule, time_zone, until, created_by, updated_at`;

/** A `sla_maintenance_window` row as a record. */
export const windowOf = (r: WindowRow): WindowRecord => ({
  id: Number(r.id),
  tenantName: r.tenant_name,
  teamName: r.team_name,
  entityType: r.entity_type,
  entityId: r.entity_id === null ? null : Number(r.entity_id),
  category: r.category as WindowCategory,
  reason: r.reason,
  start: ms(r.start),
  end: ms(r.end),
  rrule: r.rrule,
  timeZone: r.time_zone,
  until: r.until === null ? null : ms(r.until),
  createdBy: r.created_by,
  updatedAt: ms(r.updated_at),
});

const settingsOf = (r: SettingsRow): SettingsOverride => ({
  tenantName: r.tenant_name,
  timeZone: r.time_zone,
  windowDays: r.window_days,
  noDataPolicy: NODATA_POLICIES.includes(r.nodata_policy as NoDataPolicy) ? (r.nodata_policy as NoDataPolicy) : null,
  updatedAt: ms(r.updated_at),
});

/** Every live (not deleted) window, by id. */
export const readWindows = async (sql: Sql): Promise<WindowRecord[]> =>
  (
    await sql<WindowRow>(`SELECT ${WINDOW_COLUMNS} FROM sla_maintenance_window WHERE deleted_at IS NULL ORDER BY id`)
  ).map(windowOf);

/** One window by id, deleted or not (null: no such id), locked for update when `lock`. */
export async function readWindow(sql: Sql, id: number, lock = false): Promise<WindowRecord | null> {
  const [row] = await sql<WindowRow>(
    `SELECT ${WINDOW_COLUMNS} FROM sla_maintenance_window WHERE id = ? AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? windowOf(row) : null;
}

/** Every tenant's stored overrides. */
export const readSettings = async (sql: Sql): Promise<SettingsOverride[]> =>
  (
    await sql<SettingsRow>(
      'SELECT tenant_name, time_zone, window_days, nodata_policy, updated_at FROM sla_tenant_settings ORDER BY tenant_name',
    )
  ).map(settingsOf);

/** One tenant's overrides, locked for update when `lock`; null when none are stored. */
export async function readTenantSettings(sql: Sql, tenantName: string, lock = false): Promise<SettingsOverride | null> {
  const [row] = await sql<SettingsRow>(
    `SELECT tenant_name, time_zone, window_days, nodata_policy, updated_at FROM sla_tenant_settings WHERE tenant_name = ?${lock ? ' FOR UPDATE' : ''}`,
    [tenantName],
  );
  return row ? settingsOf(row) : null;
}

/** Everything the PolicyStore holds, read in one consistent snapshot. */
export const readPolicy = (snapshotTx: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>): Promise<PolicyCopy> =>
  snapshotTx(async (sql) => ({ settings: await readSettings(sql), windows: await readWindows(sql) }));
