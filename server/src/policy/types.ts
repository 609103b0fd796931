import type { NoDataPolicy, TenantSettings, WindowCategory } from '@sla/shared';

/** A maintenance window as the PolicyStore holds it: times as epoch ms. */
export type WindowRecord = {
  id: number;
  tenantName: string;
  teamName: string | null;
  entityType: string | null;
  entityId: number | null;
  category: WindowCategory;
  reason: string;
  start: number;
  end: number;
  rrule: string | null;
  timeZone: string;
  until: number | null;
  createdBy: string;
  updatedAt: number;
};

/** A tenant's stored overrides (null: the global default). */
export type SettingsOverride = {
  tenantName: string;
  timeZone: string | null;
  windowDays: number | null;
  noDataPolicy: NoDataPolicy | null;
  updatedAt: number;
};

/** The global defaults (BUDGET_WINDOW_DAYS, BUDGET_NODATA_POLICY, DEFAULT_TIME_ZONE). */
export type SettingsDefaults = Omit<TenantSettings, 'tenantName'>;

/** Everything the PolicyStore holds, as loaded together (and mirrored in Redis). */
export type PolicyCopy = { settings: SettingsOverride[]; windows: WindowRecord[] };

/** The effective settings of `tenantName`: its overrides, else the defaults. */
export const effectiveSettings = (
  tenantName: string,
  o: SettingsOverride | undefined,
  defaults: SettingsDefaults,
): TenantSettings => ({
  tenantName,
  timeZone: o?.timeZone ?? defaults.timeZone,
  windowDays: o?.windowDays ?? defaults.windowDays,
  noDataPolicy: o?.noDataPolicy ?? defaults.noDataPolicy,
});
