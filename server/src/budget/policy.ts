import type { NoDataPolicy, WindowCategory } from '@sla/shared';

/** A tenant's budget settings (docs/budgets.md "Budget windows"). */
export type BudgetSettings = { timeZone: string; windowDays: number; noDataPolicy: NoDataPolicy };

/** A maintenance window as the policy store keeps it (times epoch ms; recurring when `rrule` is set). */
export type BudgetWindow = {
  id: number;
  scope: { tenantName: string; teamName: string | null; entityType: string | null; entityId: number | null };
  category: WindowCategory;
  start: number;
  end: number;
  rrule: string | null;
  timeZone: string;
  until: number | null;
};

/**
 * What budgets read of the tenant settings and maintenance windows, in memory (the
 * `policy/` store implements it; `version` grows with every change, so answers memoised
 * under an older version are not reused).
 */
export type BudgetPolicy = {
  settingsOf(tenantName: string): BudgetSettings;
  windows(): readonly BudgetWindow[];
  readonly version: number;
};

/** The policy without a store: the global defaults for every tenant, no windows. */
export function defaultPolicy(defaults: BudgetSettings): BudgetPolicy {
  const settings = Object.freeze({ ...defaults });
  return { settingsOf: () => settings, windows: () => [], version: 0 };
}

/** Days of history the book keeps in memory: the longest window of any tenant or a quarter (93 days), plus a day. */
export function memoryHorizonDays(policy: BudgetPolicy, tenants: Iterable<string>): number {
  let days = 93;
  for (const t of tenants) days = Math.max(days, policy.settingsOf(t).windowDays);
  return days + 1;
}
