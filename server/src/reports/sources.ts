import type { NoDataPolicy } from '@sla/shared';
import type { Interval, ScopedWindow, Timeline } from '../domain/budget/index.js';

/** Who an entity is, as a report row names it. */
export type ReportEntity = {
  id: number;
  tenantName: string;
  teamName: string;
  entityType: string;
  entityName: string;
};

/** Which entities a report covers: a whole tenant, one team of it, or one entity of it. */
export type ReportScope = { tenantName: string; teamName?: string | undefined; entityId?: number | undefined };

/** The settings of a tenant that shape its reports. */
export type ReportSettings = { timeZone: string; noDataPolicy: NoDataPolicy };

/**
 * Everything a report is computed from, handed in by the composition root (the budget
 * book for recent time, the change log for older periods, the policy store for settings
 * and windows). Kept this small so reports/ can be tested with timelines built in memory.
 */
export type ReportSources = {
  /**
   * Every entity of `scope` with its timeline covering at least `range` (ms, `[from, to)`),
   * null when it has no applied result before the range's end; an empty list means the
   * scope names no known tenant, team or entity.
   */
  timelines(scope: ReportScope, range: Interval): Promise<{ entity: ReportEntity; timeline: Timeline | null }[]>;
  /** The tenant's effective settings (per-tenant overrides over the global defaults). */
  settingsOf(tenantName: string): ReportSettings;
  /** Every maintenance window (all tenants, times in ms); reports pick what applies to each entity. */
  windows(): readonly ScopedWindow[];
  /** How long without a result makes time `stale` (STALE_AFTER_MINUTES in ms). */
  staleAfterMs: number;
  /** Changes whenever settings or windows change (the policy store's version): the closer re-checks then. */
  policyVersion(): string;
  /** Every tenant that has entities (the closer closes each one's periods). */
  tenants(): Promise<string[]>;
};
