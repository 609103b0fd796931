import { textArray } from '../db/pg-array.js';
import type { Sql } from '../db/sql.js';

/** An SLA target the rules file declares (table `sla_config_target`, written by config-file/). */
export type DeclaredTarget = {
  tenantName: string;
  teamName: string | null;
  entityType: string | null;
  entityName: string | null;
  entityId: number | null;
  slaTarget: number;
};

/** Declared targets by tenant. */
export type DeclaredTargets = Map<string, DeclaredTarget[]>;

/**
 * The declared targets of `tenants`, read inside the ingest transaction so a reload committed
 * before it is seen by every pod at once. One indexed query per group commit.
 */
export async function loadDeclaredTargets(sql: Sql, tenants: readonly string[]): Promise<DeclaredTargets> {
  const byTenant: DeclaredTargets = new Map();
  if (tenants.length === 0) return byTenant;
  const rows = await sql<{
    tenant_name: string;
    team_name: string | null;
    entity_type: string | null;
    entity_name: string | null;
    entity_id: number | null;
    sla_target: number;
  }>(
    'SELECT tenant_name, team_name, entity_type, entity_name, entity_id, sla_target FROM sla_config_target WHERE tenant_name = ANY(?::text[])',
    [textArray([...new Set(tenants)])],
  );
  for (const r of rows) {
    const list = byTenant.get(r.tenant_name) ?? [];
    list.push({
      tenantName: r.tenant_name,
      teamName: r.team_name,
      entityType: r.entity_type,
      entityName: r.entity_name,
      entityId: r.entity_id === null ? null : Number(r.entity_id),
      slaTarget: Number(r.sla_target),
    });
    byTenant.set(r.tenant_name, list);
  }
  return byTenant;
}

/** How specific a declaration is: an entity id, then its name, type, team (each part adds). */
const weight = (t: DeclaredTarget) =>
  (t.entityId !== null ? 8 : 0) +
  (t.entityName !== null ? 4 : 0) +
  (t.entityType !== null ? 2 : 0) +
  (t.teamName !== null ? 1 : 0);

/**
 * The target the file declares for an entity: of the declarations of its tenant whose every
 * given part matches (team, type, name, id — `entityId` only matches a stored entity), the most
 * specific. Null when none matches. Pure.
 */
export function declaredTargetFor(
  targets: DeclaredTargets | undefined,
  e: { tenantName: string; teamName: string; entityType: string; entityName: string },
  entityId: number | undefined,
): number | null {
  let best: DeclaredTarget | null = null;
  for (const t of targets?.get(e.tenantName) ?? []) {
    if (t.teamName !== null && t.teamName !== e.teamName) continue;
    if (t.entityType !== null && t.entityType !== e.entityType) continue;
    if (t.entityName !== null && t.entityName !== e.entityName) continue;
    if (t.entityId !== null && t.entityId !== entityId) continue;
    if (!best || weight(t) > weight(best)) best = t;
  }
  return best?.slaTarget ?? null;
}
