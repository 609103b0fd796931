import { z } from 'zod';
import { STATUSES, ZStatus } from './status.js';
import { filterText } from './text.js';

/** The four names that identify an entity, as the server answers them. */
export const ZEntityNames = z.object({
  tenantName: z.string(),
  teamName: z.string(),
  entityType: z.string(),
  entityName: z.string(),
});

/** An entity's current state as every reader sees it. Times are ISO 8601 strings. */
export const ZEntity = z.object({
  id: z.number().int(),
  ...ZEntityNames.shape,
  slaTarget: z.number(),
  currentSla: z.number(),
  status: ZStatus,
  /** When the entity entered its current status. */
  statusSince: z.string(),
  /** The poller's clock for the current state. */
  observedAt: z.string(),
  /** The server's clock when the current state was accepted. */
  updatedAt: z.string(),
  /** Id of the change that set the current state. */
  version: z.number().int(),
  /** No observation for longer than the configured stale window. */
  stale: z.boolean(),
});
export type Entity = z.infer<typeof ZEntity>;

export const ZStatusCounts = z.object({
  Passed: z.number().int(),
  Failed: z.number().int(),
  AtRisk: z.number().int(),
  NoData: z.number().int(),
});

/** Rollup of a group of entities (a team, a tenant, everything). */
export const ZRollup = z.object({
  total: z.number().int(),
  byStatus: ZStatusCounts,
  /** Entities whose current SLA meets their target. */
  compliant: z.number().int(),
  /** Mean current SLA %, null when the group is empty. */
  meanSla: z.number().nullable(),
  stale: z.number().int(),
});
export type Rollup = z.infer<typeof ZRollup>;

export const ZTeamSummary = ZRollup.extend({ teamName: z.string(), worst: z.array(ZEntity) });
export const ZTenantSummary = ZRollup.extend({
  tenantName: z.string(),
  teams: z.array(ZTeamSummary),
  worst: z.array(ZEntity),
});
export const ZSummary = z.object({
  overall: ZRollup,
  /** Tenants ordered worst first (lowest compliance ratio, then most failing). */
  tenants: z.array(ZTenantSummary),
  staleAfterMinutes: z.number(),
});
export type TeamSummary = z.infer<typeof ZTeamSummary>;
export type TenantSummary = z.infer<typeof ZTenantSummary>;
export type Summary = z.infer<typeof ZSummary>;

export const SORT_FIELDS = ['currentSla', 'slaGap', 'entityName', 'status', 'updatedAt', 'observedAt'] as const;
export const ZEntityListInput = z.object({
  tenantName: filterText('tenantName'),
  teamName: filterText('teamName'),
  entityType: filterText('entityType'),
  status: z.enum(STATUSES).optional(),
  stale: z.boolean().optional(),
  /** Case-insensitive substring of the entity name. */
  q: filterText('q'),
  /** Default: worst first (largest shortfall against target). */
  sort: z.enum(SORT_FIELDS).default('slaGap'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});
export type EntityListInput = z.input<typeof ZEntityListInput>;
export const ZEntityList = z.object({ total: z.number().int(), items: z.array(ZEntity) });
export type EntityList = z.infer<typeof ZEntityList>;

/** Entity ids are PostgreSQL `integer`s (serial). */
export const MAX_ENTITY_ID = 2_147_483_647;
export const ZHistoryInput = z.object({
  id: z.number().int().min(1, 'id must be a positive entity id').max(MAX_ENTITY_ID, 'id is not an entity id'),
  /** How far back, in days (default 14). */
  days: z.number().min(0.01).max(90).default(14),
});
export const ZHistoryPoint = z.object({ at: z.string(), sla: z.number(), status: ZStatus });
export const ZTransition = z.object({
  at: z.string(),
  from: ZStatus.nullable(),
  to: ZStatus,
  changeId: z.number().int(),
});
export const ZHistory = z.object({
  entity: ZEntity,
  points: z.array(ZHistoryPoint),
  transitions: z.array(ZTransition),
  lastReceivedAt: z.string().nullable(),
});
export type History = z.infer<typeof ZHistory>;
