import { recordAudit } from '../audit/record.js';
import type { Sql } from '../db/sql.js';
import type { CurrentObject, DesiredObject } from './model.js';
import type { FileTarget } from './schema.js';
import type { KindStore } from './target.js';

/** A `sla_config_target` row (the key is the file's selector, `targetKey`). */
type TargetRow = { key: string; sla_target: number; tenant_name: string } & Record<
  'team_name' | 'entity_type' | 'entity_name',
  string | null
> & { entity_id: number | null };

/** A row as the file writes it: absent selector parts (null columns) left out. */
function specOf(r: TargetRow): FileTarget {
  const parts = { teamName: r.team_name, entityType: r.entity_type, entityName: r.entity_name };
  const given = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== null));
  const id = r.entity_id === null ? {} : { entityId: Number(r.entity_id) };
  return { tenantName: r.tenant_name, ...given, ...id, slaTarget: Number(r.sla_target) };
}

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
    const changes = [
      ...plan.create.map((d) => ({ d, before: null as unknown })),
      ...plan.update.map((u) => ({ d: u.desired, before: u.current.spec as unknown })),
    ];
    for (const { d, before } of changes) {
      await upsert(sql, d);
      const action = before === null ? 'create' : 'update';
      await audit(sql, actor, action, d.key, String(d.spec.tenantName), before, d.spec);
    }
    return new Map(changes.map(({ d }) => [d.key, null]));
  },
  async remove(sql, plan, actor) {
    for (const c of plan.delete) {
      await sql('DELETE FROM sla_config_target WHERE key = ?', [c.key]);
      await audit(sql, actor, 'delete', c.key, String(c.spec.tenantName), c.spec, null);
    }
  },
};
