import { textArray } from '../db/pg-array.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { assertTenantExists, type ScopeView } from '../policy/scope.js';

const bad = (message: string) => new AppError('BAD_INPUT', message);
const q = JSON.stringify;

/** A scope as rules and silences name it: unset fields cover everything in the tenant. */
export type ScopeFields = {
  tenantName: string;
  teamName?: string | null | undefined;
  entityType?: string | null | undefined;
  entityId?: number | null | undefined;
};

/**
 * Checks a scope against the pod's view: a known tenant, a team of that tenant, a known
 * entity type, an entity of the tenant agreeing with the team and type given. `prefix` is
 * put before the scope's field names in messages (`scope.` for rules, empty for silences).
 * (policy/scope.ts `validateWindow` checks a window's scope the same way, but names fields
 * without a prefix and checks a window's other fields too.)
 * @throws AppError BAD_INPUT naming the first bad field.
 */
export function assertScope(view: ScopeView, s: ScopeFields, prefix: string): void {
  assertTenantExists(view, s.tenantName);
  const { teamName, entityType, entityId } = s;
  if (teamName != null && !view.tenants.get(s.tenantName)?.teams.has(teamName))
    throw bad(`${prefix}teamName: tenant ${q(s.tenantName)} has no team ${q(teamName)}`);
  if (entityType != null && !view.entityTypes.includes(entityType))
    throw bad(`${prefix}entityType: no entity type ${q(entityType)} is known`);
  if (entityId == null) return;
  const e = view.get(entityId);
  if (!e || e.tenantName !== s.tenantName)
    throw bad(`${prefix}entityId: tenant ${q(s.tenantName)} has no entity with id ${entityId}`);
  if (teamName != null && e.teamName !== teamName)
    throw bad(`${prefix}teamName: entity ${entityId} belongs to team ${q(e.teamName)}, not ${q(teamName)}`);
  if (entityType != null && e.entityType !== entityType)
    throw bad(`${prefix}entityType: entity ${entityId} is of type ${q(e.entityType)}, not ${q(entityType)}`);
}

/**
 * Refuses a rule naming a channel its tenant does not have (read in the write's transaction).
 * @throws AppError BAD_INPUT naming `channels.<index>`.
 */
export async function assertChannelsExist(sql: Sql, tenantName: string, channels: readonly string[]): Promise<void> {
  if (channels.length === 0) return;
  const rows = await sql<{ name: string }>(
    'SELECT name FROM sla_alert_channel WHERE tenant_name = ? AND name = ANY(?::text[])',
    [tenantName, textArray([...channels])],
  );
  const known = new Set(rows.map((r) => r.name));
  const missing = channels.findIndex((c) => !known.has(c));
  if (missing >= 0)
    throw bad(`channels.${missing}: tenant ${q(tenantName)} has no channel ${q(channels[missing])}; create it first`);
}
