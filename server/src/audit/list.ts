import { type AuditEntry, wholeNumber } from '@sla/shared';
import { z } from 'zod';
import { textArray } from '../db/pg-array.js';
import type { Sql } from '../db/sql.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';

/** `audit.list` input: newest first, `cursor` = the last id of the previous page. */
export const ZAuditListInput = z.object({
  tenantName: z.string().min(1).max(256).optional(),
  objectType: z.string().min(1).max(32).optional(),
  objectId: z.string().min(1).max(64).optional(),
  limit: wholeNumber('limit', 1, 500).default(100),
  cursor: wholeNumber('cursor', 1, Number.MAX_SAFE_INTEGER).optional(),
});
export type AuditListInput = z.infer<typeof ZAuditListInput>;

export type AuditPage = { items: AuditEntry[]; nextCursor: number | null };

type Row = {
  id: string;
  at: Date;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  tenant_name: string | null;
  before: unknown;
  after: unknown;
};

/**
 * A page of the audit log, newest first, as `admin` may see it: an admin of all tenants sees
 * every entry; an admin of some tenants sees only entries of those tenants.
 * @throws AppError FORBIDDEN when `tenantName` is a tenant the admin does not administer.
 */
export async function listAudit(sql: Sql, admin: Admin, input: AuditListInput): Promise<AuditPage> {
  if (input.tenantName !== undefined) assertAdminOf(admin, input.tenantName);
  // An admin of some tenants sees only theirs; a given tenantName was checked above.
  const ownTenants =
    input.tenantName === undefined && admin.tenants !== null ? textArray([...admin.tenants]) : undefined;
  const filters = (
    [
      ['tenant_name = ?', input.tenantName],
      ['tenant_name = ANY(?::text[])', ownTenants],
      ['object_type = ?', input.objectType],
      ['object_id = ?', input.objectId],
      ['id < ?', input.cursor],
    ] as const
  ).filter(([, value]) => value !== undefined);
  const where = filters.map(([clause]) => clause);
  const params = filters.map(([, value]) => value);
  const rows = await sql<Row>(
    `SELECT id, at, actor, action, object_type, object_id, tenant_name, before, after FROM sla_audit
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, input.limit + 1],
  );
  const page = rows.slice(0, input.limit).map(toEntry);
  return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}

const toEntry = (r: Row): AuditEntry => ({
  id: Number(r.id),
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  objectType: r.object_type,
  objectId: r.object_id,
  tenantName: r.tenant_name,
  before: r.before ?? null,
  after: r.after ?? null,
});
