import type { Status } from '@sla/shared';

/**
 * An entity's current state as every layer holds it (view, stores, planner). Times are
 * epoch milliseconds so the hot paths never parse dates; `version` is the id of the
 * change that set this state.
 */
export type EntityState = Identity & {
  id: number;
  slaTarget: number;
  currentSla: number;
  status: Status;
  statusSince: number;
  observedAt: number;
  updatedAt: number;
  version: number;
};

/** The four names that identify an entity; (tenant, team, type, name) is unique. */
export type Identity = { tenantName: string; teamName: string; entityType: string; entityName: string };

/** One string per identity (fields joined by U+001F, which names may not contain). */
export const identityKey = (e: Identity): string =>
  `${e.tenantName}\u001f${e.teamName}\u001f${e.entityType}\u001f${e.entityName}`;

/** The caller of a write: its token's label and the tenants it may write (null = all). */
export type Caller = { label: string; tenants: ReadonlySet<string> | null };

/** An entity's id and the four names that identify it, as readers list it. */
export const namedIdOf = (e: Identity & { id: number }): Identity & { id: number } => ({
  id: e.id,
  tenantName: e.tenantName,
  teamName: e.teamName,
  entityType: e.entityType,
  entityName: e.entityName,
});
