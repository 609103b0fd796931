import type { Status, ZRecentChangesInput } from '@sla/shared';
import type { z } from 'zod';
import type { Sql } from '../db/sql.js';
import type { LogChange } from '../domain/change.js';

type ChangeRow = {
  id: string | number;
  entity_id: number;
  tenant_name: string;
  team_name: string;
  entity_type: string;
  entity_name: string;
  previous_sla: number | null;
  previous_status: Status | null;
  current_sla: number;
  status: Status;
  sla_target: number;
  status_since: Date;
  observed_at: Date;
  received_at: Date;
  applied: boolean;
  source: string;
};

const COLUMNS = `id, entity_id, tenant_name, team_name, entity_type, entity_name, previous_sla, previous_status,
  current_sla, status, sla_target, status_since, observed_at, received_at, applied, source`;

const ms = (d: Date | string) => (d instanceof Date ? d.getTime() : Date.parse(d));

const rowToChange = (r: ChangeRow): LogChange => ({
  id: Number(r.id),
  entityId: Number(r.entity_id),
  tenantName: r.tenant_name,
  teamName: r.team_name,
  entityType: r.entity_type,
  entityName: r.entity_name,
  previousSla: r.previous_sla === null ? null : Number(r.previous_sla),
  previousStatus: r.previous_status,
  currentSla: Number(r.current_sla),
  status: r.status,
  slaTarget: Number(r.sla_target),
  statusSince: ms(r.status_since),
  observedAt: ms(r.observed_at),
  receivedAt: ms(r.received_at),
  applied: r.applied,
  source: r.source,
});

/** Id of the newest committed change (0 for an empty log). */
export async function logHead(sql: Sql): Promise<number> {
  const [row] = await sql<{ head: string | number }>('SELECT coalesce(max(id), 0) AS head FROM sla_change');
  return Number(row?.head ?? 0);
}

/** Changes with id in (afterId, upTo], ascending. Ids are gapless commit order (see ingest/repository.ts). */
export async function readChanges(sql: Sql, afterId: number, limit: number, upTo = Number.MAX_SAFE_INTEGER) {
  const rows = await sql<ChangeRow>(`SELECT ${COLUMNS} FROM sla_change WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, [
    afterId,
    upTo,
    limit,
  ]);
  return rows.map(rowToChange);
}

/** Newest first, filtered, paged by change id. */
export async function recentChanges(sql: Sql, input: z.output<typeof ZRecentChangesInput>): Promise<LogChange[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (input.tenantName) add('tenant_name = ?', input.tenantName);
  if (input.teamName) add('team_name = ?', input.teamName);
  if (input.status) add('status = ?', input.status);
  if (input.cursor) add('id < ?', input.cursor);
  const rows = await sql<ChangeRow>(
    `SELECT ${COLUMNS} FROM sla_change ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, input.limit],
  );
  return rows.map(rowToChange);
}

/** One entity's changes since a time, oldest first. */
export async function entityChanges(sql: Sql, entityId: number, sinceMs: number): Promise<LogChange[]> {
  const rows = await sql<ChangeRow>(
    `SELECT ${COLUMNS} FROM sla_change WHERE entity_id = ? AND observed_at >= ? ORDER BY observed_at, id`,
    [entityId, new Date(sinceMs).toISOString()],
  );
  return rows.map(rowToChange);
}
