import type { Sql } from '../db/sql.js';
import type { ObjectKind } from './model.js';
import type { ManagedRow } from './target.js';

/** The objects the file manages, by kind. */
export async function readManaged(sql: Sql): Promise<Map<ObjectKind, ManagedRow[]>> {
  const rows = await sql<{ kind: ObjectKind; key: string; object_id: string | null; spec: Record<string, unknown> }>(
    'SELECT kind, key, object_id, spec FROM sla_config_object ORDER BY kind, key',
  );
  const byKind = new Map<ObjectKind, ManagedRow[]>();
  for (const r of rows) {
    const list = byKind.get(r.kind) ?? [];
    list.push({ key: r.key, objectId: r.object_id, spec: r.spec });
    byKind.set(r.kind, list);
  }
  return byKind;
}

/** Makes `rows` the kind's managed objects: every other row of the kind is dropped. */
export async function replaceManaged(sql: Sql, kind: ObjectKind, rows: readonly ManagedRow[]): Promise<void> {
  await sql('DELETE FROM sla_config_object WHERE kind = ?', [kind]);
  for (const r of rows)
    await sql(
      'INSERT INTO sla_config_object (kind, key, object_id, spec, applied_at) VALUES (?, ?, ?, ?::jsonb, now())',
      [kind, r.key, r.objectId, JSON.stringify(r.spec)],
    );
}
