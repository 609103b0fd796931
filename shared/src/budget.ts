import { z } from 'zod';
import { MAX_ENTITY_ID, ZEntityNames } from './entity.js';
import { cleanText, instant, MAX_FILTER_LENGTH, wholeNumber } from './text.js';

/**
 * Wire shapes of error budgets, maintenance windows, tenant settings, compliance reports and
 * the audit log (definitions: docs/budgets.md). Times are ISO 8601 strings, durations are
 * milliseconds, percentages are 0–100.
 */

/** How `nodata` and `stale` time counts (docs/budgets.md "The NoData policy"). */
export const NODATA_POLICIES = ['exclude', 'bad', 'good'] as const;
export const ZNoDataPolicy = z.enum(NODATA_POLICIES, {
  error: (i) => `noDataPolicy must be one of ${NODATA_POLICIES.join(', ')} (got ${JSON.stringify(i.input)})`,
});
export type NoDataPolicy = z.infer<typeof ZNoDataPolicy>;

/** Burn-rate windows every budget answers (the alerting tiers' windows), in minutes. */
export const BURN_WINDOWS_MINUTES = [5, 30, 60, 360, 4320] as const;

/** One burn rate: how fast the budget is spent over the last `windowMinutes` (1 = exactly on budget). */
export const ZBurnRate = z.object({ windowMinutes: z.number().int(), burnRate: z.number().nullable() });

/** The durations (ms) every set of budget figures carries, a report row's too. */
const durations = {
  countedMs: z.number(),
  breachMs: z.number(),
  /** Time inside maintenance windows (overlaps counted once). */
  excludedMs: z.number(),
  /** nodata + stale time (counted or not per the policy). */
  noDataMs: z.number(),
  /** The budget: (100 − target) / 100 × counted time. */
  allowedMs: z.number(),
};

/** Budget figures over one window `[from, to)` (docs/budgets.md "Time-slice error budgets"). */
export const ZBudgetFigures = z.object({
  from: z.string(),
  to: z.string(),
  /** The target in effect at `to` (a rollup: the counted-time-weighted target). */
  target: z.number().nullable(),
  ...durations,
  remainingMs: z.number(),
  remainingPct: z.number().nullable(),
  /** Time-slice compliance %, null when nothing was counted. */
  compliance: z.number().nullable(),
  /** The poller's currentSla averaged over counted time. */
  meanReportedSla: z.number().nullable(),
});
export type BudgetFigures = z.infer<typeof ZBudgetFigures>;

/** A budget as every reader sees it: rolling and calendar windows, burn rates, projection. */
export const ZBudget = z.object({
  rolling: ZBudgetFigures,
  calendar: ZBudgetFigures,
  burnRates: z.array(ZBurnRate),
  /** When the rolling budget runs out at the current (1 h) burn; null when spent or not burning. */
  exhaustsAt: z.string().nullable(),
  noDataPolicy: ZNoDataPolicy,
  timeZone: z.string(),
  windowDays: z.number().int(),
});
export type Budget = z.infer<typeof ZBudget>;

/** Who an entity is, as budgets and report rows name it. */
const ZEntityIdentity = ZEntityNames.extend({ entityId: z.number().int() });

export const ZEntityBudget = ZBudget.extend({
  ...ZEntityIdentity.shape,
  /** Inside a maintenance window now. */
  inMaintenance: z.boolean(),
});
export type EntityBudget = z.infer<typeof ZEntityBudget>;

export const ZTeamBudget = ZBudget.extend({ tenantName: z.string(), teamName: z.string(), entities: z.number().int() });
export type TeamBudget = z.infer<typeof ZTeamBudget>;

export const ZTenantBudget = ZBudget.extend({
  tenantName: z.string(),
  entities: z.number().int(),
  teams: z.array(ZTeamBudget),
});
export type TenantBudget = z.infer<typeof ZTenantBudget>;

/**
 * `at`: the instant budgets are computed as of (default now), an ISO 8601 date-time no later
 * than now and no earlier than 7 days ago (the book holds the recent past; older periods are
 * reports' business). Fixes the clock for scripts and tests.
 */
const at = () =>
  instant('at')
    .refine((s) => Date.parse(s) <= Date.now() + 1_000, 'at must not be in the future')
    .refine((s) => Date.parse(s) >= Date.now() - 7 * 86_400_000, 'at must be within the last 7 days')
    .optional();
const requiredName = (field: string) =>
  cleanText(
    field,
    z
      .string({ error: `${field} is required` })
      .min(1, `${field} is required`)
      .max(MAX_FILTER_LENGTH, `${field} must be at most ${MAX_FILTER_LENGTH} characters`),
  );
const entityId = (field: string) => wholeNumber(field, 1, 2_147_483_647);

export const ZBudgetAtInput = z.object({ at: at() }).default({});
export const ZEntityBudgetInput = z.object({ id: entityId('id'), at: at() });
/** At most 200 ids a call (a page of the entity table). */
export const ZEntityBudgetsInput = z.object({
  ids: z.array(entityId('ids'), { error: 'ids must be an array of entity ids' }).max(200, 'ids: at most 200'),
  at: at(),
});
export const ZTeamBudgetInput = z.object({
  tenantName: requiredName('tenantName'),
  teamName: requiredName('teamName'),
  at: at(),
});
export const ZTenantBudgetInput = z.object({ tenantName: requiredName('tenantName'), at: at() });
/** Exactly one of `entityId` and `tenantName`; `days` local days of the tenant's zone ending today. */
export const ZBudgetSeriesInput = z
  .object({
    entityId: entityId('entityId').optional(),
    tenantName: requiredName('tenantName').optional(),
    days: wholeNumber('days', 1, 90).default(30),
    at: at(),
  })
  .refine((i) => (i.entityId === undefined) !== (i.tenantName === undefined), {
    message: 'give exactly one of entityId and tenantName',
    path: ['entityId'],
  });
export const ZBurndownInput = z.object({ entityId: entityId('entityId'), at: at() });

export const ZBudgetOverview = z.object({ tenants: z.array(ZTenantBudget) });
export type BudgetOverview = z.infer<typeof ZBudgetOverview>;
export const ZEntityBudgets = z.object({ items: z.array(ZEntityBudget) });

/** One local day of a compliance series (the tenant's zone); `compliance` null when nothing was counted. */
export const ZBudgetDay = z.object({
  date: z.string(),
  compliance: z.number().nullable(),
  countedMs: z.number(),
  breachMs: z.number(),
});
export const ZBudgetSeries = z.object({ timeZone: z.string(), days: z.array(ZBudgetDay) });
export type BudgetSeries = z.infer<typeof ZBudgetSeries>;

/**
 * The calendar month's burn-down of one entity: `allowedMs` is the month's whole budget
 * (the allowed fraction of the time counted so far plus the rest of the month), each point
 * the budget left at `at` (allowed − breach since the month began), hourly until now.
 */
export const ZBurndown = z.object({
  from: z.string(),
  to: z.string(),
  allowedMs: z.number(),
  points: z.array(z.object({ at: z.string(), remainingMs: z.number() })),
});
export type Burndown = z.infer<typeof ZBurndown>;

/** Per-tenant overrides; null = the global default. */
export const ZTenantSettings = z.object({
  tenantName: z.string(),
  timeZone: z.string(),
  windowDays: z.number().int(),
  noDataPolicy: ZNoDataPolicy,
});
export type TenantSettings = z.infer<typeof ZTenantSettings>;

export const WINDOW_CATEGORIES = ['maintenance', 'deployment', 'outside_business_hours', 'other'] as const;
export const ZWindowCategory = z.enum(WINDOW_CATEGORIES, {
  error: (i) => `category must be one of ${WINDOW_CATEGORIES.join(', ')} (got ${JSON.stringify(i.input)})`,
});
export type WindowCategory = z.infer<typeof ZWindowCategory>;

/** What a maintenance window applies to: a tenant, or a team / entity type / entity in it. */
export const ZWindowScope = z.object({
  tenantName: z.string(),
  teamName: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.number().int().nullable(),
});
export type WindowScope = z.infer<typeof ZWindowScope>;

/**
 * A maintenance window. One-off: `start`..`end`. Recurring: `rrule` (RFC 5545, without
 * DTSTART) repeats from `start` in `timeZone`, each occurrence lasting `end − start`.
 */
export const ZMaintenanceWindow = z.object({
  id: z.number().int(),
  scope: ZWindowScope,
  category: ZWindowCategory,
  reason: z.string(),
  start: z.string(),
  end: z.string(),
  rrule: z.string().nullable(),
  timeZone: z.string(),
  /** Recurring windows stop repeating after this instant (null: forever, or as the RRULE says). */
  until: z.string().nullable(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type MaintenanceWindow = z.infer<typeof ZMaintenanceWindow>;

/** One breach in a report: a maximal stretch of breach time not excluded. */
export const ZBreach = z.object({ start: z.string(), end: z.string(), durationMs: z.number() });

/**
 * One entity's line of a report: its figures over the period (as `ZBudgetFigures` defines
 * them; `target` is the one in effect at the period's end), budget used and the breaches.
 */
export const ZReportRow = ZEntityIdentity.extend({
  ...ZBudgetFigures.pick({
    target: true,
    compliance: true,
    meanReportedSla: true,
    countedMs: true,
    breachMs: true,
    excludedMs: true,
    noDataMs: true,
    allowedMs: true,
  }).shape,
  /** breach ÷ allowed × 100 (over 100 once exhausted); null when nothing is allowed. */
  budgetUsedPct: z.number().nullable(),
  breaches: z.array(ZBreach),
  /** Excluded minutes by window category. */
  excludedMinutes: z.record(z.string(), z.number()),
});
export type ReportRow = z.infer<typeof ZReportRow>;

/** `2026-11` (a month) or `2026-Q4` (a quarter); checked further (range, future) by the server. */
export const ZPeriod = z
  .string({ error: 'period is required' })
  .regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, 'period must be a month (2026-11) or a quarter (2026-Q4)');

/** What `reports.get` (and `GET /api/reports`, `GET /api/reports/csv`) takes. */
export const ZReportInput = z.object({
  tenantName: cleanText(
    'tenantName',
    z.string({ error: 'tenantName is required' }).min(1, 'tenantName is required').max(MAX_FILTER_LENGTH),
  ),
  period: ZPeriod,
  teamName: cleanText('teamName', z.string().min(1, 'teamName must not be empty').max(MAX_FILTER_LENGTH)).optional(),
  entityId: wholeNumber('entityId', 1, MAX_ENTITY_ID).optional(),
  /** A closed period's revision (default: the latest). */
  revision: wholeNumber('revision', 1, 1_000_000).optional(),
});
export type ReportInput = z.infer<typeof ZReportInput>;

/** The two CSV files of a report (`GET /api/reports/csv?part=…`): a line per entity (default) or per breach. */
export const REPORT_CSV_PARTS = ['entities', 'breaches'] as const;
export type ReportCsvPart = (typeof REPORT_CSV_PARTS)[number];

/** One snapshot revision of a closed period (`reports.revisions`). */
export const ZReportRevision = z.object({
  revision: z.number().int(),
  contentHash: z.string(),
  reason: z.string(),
  createdAt: z.string(),
});
export type ReportRevision = z.infer<typeof ZReportRevision>;

/** A compliance report for one period and scope (docs/budgets.md "Compliance reports"). */
export const ZReport = z.object({
  tenantName: z.string(),
  teamName: z.string().nullable(),
  entityId: z.number().int().nullable(),
  /** `2026-11` or `2026-Q4`, in `timeZone`. */
  period: z.string(),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  /** `provisional` until the period closes; then `closed` (a snapshot) with its revision. */
  state: z.enum(['provisional', 'closed']),
  revision: z.number().int().nullable(),
  /** SHA-256 (hex) of the canonical JSON of the identity, `summary` and `rows` (docs/budgets.md "Closing and revisions"); set when closed. */
  contentHash: z.string().nullable(),
  generatedAt: z.string(),
  noDataPolicy: ZNoDataPolicy,
  summary: ZBudgetFigures,
  rows: z.array(ZReportRow),
});
export type Report = z.infer<typeof ZReport>;

/** One audit-log entry: who changed what, when, with the object before and after. */
export const ZAuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  tenantName: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof ZAuditEntry>;
