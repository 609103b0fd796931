import type { MaintenanceWindow, WindowCategory } from '@sla/shared';

/**
 * Answers of the budget, window and report procedures that shared/src/budget.ts has no
 * schema for (their shapes are fixed by the procedures' contract).
 */
export type SeriesDay = { date: string; compliance: number | null; countedMs: number; breachMs: number };
export type Series = { timeZone: string; days: SeriesDay[] };
export type SeriesInput = { entityId?: number; tenantName?: string; days: number };

export type Occurrence = { windowId: number; start: string; end: string; category: WindowCategory };
export type OccurrencesInput = { tenantName?: string; entityId?: number; from: string; to: string };

/** What an admin writes: a window without its id and bookkeeping. */
export type WindowInput = Omit<MaintenanceWindow, 'id' | 'createdBy' | 'updatedAt'>;

/** `auth.session`, with the role a signed-in admin token carries. */
export type Session = {
  required: boolean;
  signedIn: boolean;
  admin?: boolean;
  role?: string;
  /** Tenants the admin may change; null or absent: all of them. */
  tenants?: string[] | null;
};

/** Whether the session may change windows of `tenantName` (any tenant when omitted). */
export function isAdminFor(s: Session | undefined, tenantName?: string): boolean {
  if (!s) return false;
  const admin = s.admin === true || s.role === 'admin';
  if (!admin) return false;
  if (!tenantName || s.tenants == null) return true;
  return s.tenants.includes(tenantName);
}
