import type { NoDataPolicy } from '@sla/shared';
import type { ScopedWindow } from '../domain/budget/windows.js';

/** A tenant's budget settings (docs/budgets.md "Budget windows"). */
export type BudgetSettings = { timeZone: string; windowDays: number; noDataPolicy: NoDataPolicy };

/**
 * What budgets read of the tenant settings and maintenance windows, in memory (the
 * `policy/` store implements it; `version` grows with every change, so answers memoised
 * under an older version are not reused).
 */
export type BudgetPolicy = {
  settingsOf(tenantName: string): BudgetSettings;
  windows(): readonly ScopedWindow[];
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

/**
 * The policy store (`policy/store.ts`) as budgets read it: its settings, and its windows in
 * the scoped shape the domain expands (`scopedWindows`, re-shaped once per store version).
 */
export function budgetPolicyOf(store: {
  settingsOf(tenantName: string): BudgetSettings;
  scopedWindows(): readonly ScopedWindow[];
  readonly version: number;
}): BudgetPolicy {
  return {
    settingsOf: (tenantName) => store.settingsOf(tenantName),
    windows: () => store.scopedWindows(),
    get version() {
      return store.version;
    },
  };
}
