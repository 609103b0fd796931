import { recordAudit } from '../audit/record.js';
import type { Sql } from '../db/sql.js';
import { WINDOW_COLUMNS, windowOf } from './pg-policy.js';
import type { WindowDraft } from './scope.js';
import type { WindowRecord } from './types.js';
import { windowToWire } from './wire.js';

/**
 * The audited row writes of maintenance windows, inside the caller's transaction: the API
 * (windows.ts) and the rules file (config-file/) both write through these. None validates
 * or announces: callers check the draft first and call `PolicyStore.changed()` after commit.
 */

type Row = Parameters<typeof windowOf>[0];

async function audit(sql: Sql, actor: string, action: string, before: WindowRecord | null, after: WindowRecord | null) {
  const w = (after ?? before) as WindowRecord;
  await recordAudit(sql, {
    actor,
    action,
    objectType: 'window',
    objectId: String(w.id),
    tenantName: w.tenantName,
    before: before && windowToWire(before),
    after: after && windowToWire(after),
  });
}

const params = (w: WindowDraft) => [
  w.tenantName,
  w.teamName,
  w.entityType,
  w.entityId,
  w.category,
  w.reason,
  new Date(w.start),
  new Date(w.end),
  w.rrule,
  w.timeZone,
  w.until === null ? null : new Date(w.until),
];

/** Inserts a window created by `actor` (audited). Returns it as stored. */
export async function insertWindowRow(sql: Sql, actor: string, draft: WindowDraft): Promise<WindowRecord> {
  const [row] = await sql<Row>(
    `INSERT INTO sla_maintenance_window (tenant_name, team_name, entity_type, entity_id, category, reason, start, "end",
       rrule, time_zone, until, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now()) RETURNING ${WINDOW_COLUMNS}`,
    [...params(draft), actor],
  );
  const w = windowOf(row as Row);
  await audit(sql, actor, 'create', null, w);
  return w;
}

/**
 * Replaces window `before`'s fields with `draft` (audited with before and after). Returns it as
 * stored — `before` itself when the draft changes nothing (then nothing is written or audited).
 */
export async function updateWindowRow(
  sql: Sql,
  actor: string,
  before: WindowRecord,
  draft: WindowDraft,
): Promise<WindowRecord> {
  if (JSON.stringify(params(draft)) === JSON.stringify(params(before))) return before;
  const [row] = await sql<Row>(
    `UPDATE sla_maintenance_window SET tenant_name = ?, team_name = ?, entity_type = ?, entity_id = ?, category = ?,
       reason = ?, start = ?, "end" = ?, rrule = ?, time_zone = ?, until = ?, updated_at = now()
     WHERE id = ? RETURNING ${WINDOW_COLUMNS}`,
    [...params(draft), before.id],
  );
  const after = windowOf(row as Row);
  await audit(sql, actor, 'update', before, after);
  return after;
}

/** Marks window `before` deleted (the row stays so audit ids resolve; audited with the window as it was). */
export async function deleteWindowRow(sql: Sql, actor: string, before: WindowRecord): Promise<void> {
  await sql('UPDATE sla_maintenance_window SET deleted_at = now(), updated_at = now() WHERE id = ?', [before.id]);
  await audit(sql, actor, 'delete', before, null);
}
