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

/** What `fromPolicyStore` reads of the `policy/` store (its settings, windows and version). */
type PolicySource = {
  settingsOf(tenantName: string): BudgetSettings;
  windows(): readonly (Omit<BudgetWindow, 'scope'> & BudgetWindow['scope'])[];
  readonly version: number;
};

/**
 * The budget policy read from the pod's `policy/` store: its effective tenant settings and
 * its windows reshaped (scope fields grouped), the reshaped list kept per store version.
 */
export function fromPolicyStore(store: PolicySource): BudgetPolicy {
  let version = -1;
  let windows: BudgetWindow[] = [];
  return {
    settingsOf: (tenantName) => store.settingsOf(tenantName),
    windows: () => {
      if (store.version !== version) {
        version = store.version;
        windows = store.windows().map((w) => ({
          id: w.id,
          scope: { tenantName: w.tenantName, teamName: w.teamName, entityType: w.entityType, entityId: w.entityId },
          category: w.category,
          start: w.start,
          end: w.end,
          rrule: w.rrule,
          timeZone: w.timeZone,
          until: w.until,
        }));
      }
      return windows;
    },
    get version() {
      return store.version;
    },
  };
}
