import type { BudgetSeries, MaintenanceWindow } from '@sla/shared';

/** Inputs and answers of the budget and window procedures, as the pages use them. */
export type Series = BudgetSeries;
export type SeriesDay = Series['days'][number];
export type SeriesInput = { entityId?: number; tenantName?: string; days: number };

/** What an admin writes (`windows.create`): the scope's fields flat beside the window's. */
export type WindowInput = MaintenanceWindow['scope'] &
  Pick<MaintenanceWindow, 'category' | 'reason' | 'start' | 'end' | 'rrule' | 'timeZone' | 'until'>;

/** `auth.session`: `admin` is the signed-in admin (tenants null = every tenant), null for a reader. */
export type Session = { admin?: { name: string; tenants: string[] | null } | null };

/** Whether the session may change windows of `tenantName` (of some tenant when omitted). */
export function isAdminFor(s: Session | undefined, tenantName?: string): boolean {
  const admin = s?.admin;
  if (!admin) return false;
  if (!tenantName || admin.tenants == null) return true;
  return admin.tenants.includes(tenantName);
}

/** The tenant a new object starts in: the filtered one when the admin covers it, else the admin's first. */
export function defaultTenantOf(filter: string | undefined, adminTenants: readonly string[]): string {
  return filter && adminTenants.includes(filter) ? filter : (adminTenants[0] ?? '');
}
