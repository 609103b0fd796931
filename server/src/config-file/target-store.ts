import { recordAudit } from '../audit/record.js';
import type { Sql } from '../db/sql.js';
import type { CurrentObject, DesiredObject } from './model.js';
import type { FileTarget } from './schema.js';
import type { KindStore } from './target.js';

type TargetRow = {
  key: string;
  tenant_name: string;
  team_name: string | null;
  entity_type: string | null;
  entity_name: string | null;
  entity_id: number | null;
  sla_target: number;
};

/** A row as the file writes it: absent selector parts left out. */
const specOf = (r: TargetRow): FileTarget => {
  const t: FileTarget = { tenantName: r.tenant_name, slaTarget: Number(r.sla_target) };
  if (r.team_name !== null) t.teamName = r.team_name;
  if (r.entity_type !== null) t.entityType = r.entity_type;
  if (r.entity_name !== null) t.entityName = r.entity_name;
  if (r.entity_id !== null) t.entityId = Number(r.entity_id);
  return t;
};

async function upsert(sql: Sql, d: DesiredObject): Promise<void> {
  const t = d.value as FileTarget;
  await sql(
    `INSERT INTO sla_config_target (key, tenant_name, team_name, entity_type, entity_name, entity_id, sla_target)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET sla_target = EXCLUDED.sla_target`,
    [
      d.key,
      t.tenantName,
      t.teamName ?? null,
      t.entityType ?? null,
      t.entityName ?? null,
      t.entityId ?? null,
      t.slaTarget,
    ],
  );
}

const audit = (sql: Sql, actor: string, action: string, key: string, tenant: string, before: unknown, after: unknown) =>
  recordAudit(sql, { actor, action, objectType: 'sla_target', objectId: key, tenantName: tenant, before, after });

/**
 * SLA targets the file declares (`sla_config_target`, read by ingest in its transaction, so
 * every pod applies a change from the next update on). Only the file writes them: all are managed.
 */
export const targetStore: KindStore = {
  kind: 'targets',
  async read(sql): Promise<CurrentObject[]> {
    const rows = await sql<TargetRow>(
      'SELECT key, tenant_name, team_name, entity_type, entity_name, entity_id, sla_target FROM sla_config_target ORDER BY key',
    );
    return rows.map((r) => ({ key: r.key, spec: specOf(r), managed: true, id: null }));
  },
  async write(sql, plan, actor) {
    const ids = new Map<string, string | null>();
    for (const d of plan.create) {
      await upsert(sql, d);
      await audit(sql, actor, 'create', d.key, (d.value as FileTarget).tenantName, null, d.spec);
      ids.set(d.key, null);
    }
    for (const u of plan.update) {
      await upsert(sql, u.desired);
      await audit(
        sql,
        actor,
        'update',
        u.desired.key,
        String(u.desired.spec.tenantName),
        u.current.spec,
        u.desired.spec,
      );
      ids.set(u.desired.key, null);
    }
    return ids;
  },
  async remove(sql, plan, actor) {
    for (const c of plan.delete) {
      await sql('DELETE FROM sla_config_target WHERE key = ?', [c.key]);
      await audit(sql, actor, 'delete', c.key, String(c.spec.tenantName), c.spec, null);
    }
  },
};
