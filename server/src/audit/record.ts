import type { Sql } from '../db/sql.js';

/** What one audit entry records; `before`/`after` are the object as the API shows it (null: did not exist). */
export type AuditRecord = {
  /** The token's name (INGEST_TOKENS), or `open` when no tokens are configured. */
  actor: string;
  /** `create`, `update`, `delete`, … */
  action: string;
  /** `window`, `tenant_settings`, … */
  objectType: string;
  objectId: string;
  tenantName: string | null;
  before: unknown;
  after: unknown;
};

/**
 * Appends one entry to `sla_audit`. Call it with the transaction's `sql` that makes the change,
 * so the change and its record commit together or not at all. Returns the entry's id.
 * @throws DatabaseUnavailable (503) when PostgreSQL is away, as every query does.
 */
export async function recordAudit(sql: Sql, e: AuditRecord): Promise<number> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO sla_audit (at, actor, action, object_type, object_id, tenant_name, before, after)
     VALUES (now(), ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb) RETURNING id`,
    [e.actor, e.action, e.objectType, e.objectId, e.tenantName, jsonOrNull(e.before), jsonOrNull(e.after)],
  );
  return Number(row?.id);
}

const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
