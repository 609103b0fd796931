import { recordAudit } from '../audit/record.js';
import { textArray } from '../db/pg-array.js';
import type { Db, Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { assertAdminOf } from '../trpc/admin-of.js';
import type { Admin } from '../trpc/context.js';
import { isoOrNull } from './time.js';
import type { AlertChange } from './types.js';

/** An alert as the API shows it. */
export type AlertView = {
  fingerprint: string;
  state: 'firing' | 'resolved';
  sequence: number;
  ruleName: string;
  kind: AlertChange['kind'];
  tier: string | null;
  severity: AlertChange['severity'];
  tenantName: string;
  teamName: string | null;
  entityId: number | null;
  /** When the current (or last) firing episode began, ISO-8601. */
  since: string;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  /** The last recorded state change (its summary, entity name, …). */
  lastChange: AlertChange;
};

type AlertRow = {
  fingerprint: string;
  state: 'firing' | 'resolved';
  sequence: number;
  rule_name: string;
  kind: AlertChange['kind'];
  tier: string | null;
  severity: AlertChange['severity'];
  tenant_name: string;
  team_name: string | null;
  entity_id: number | null;
  since: Date | string;
  resolved_at: Date | string | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
  last_change: AlertChange;
};

const toView = (r: AlertRow): AlertView => ({
  fingerprint: r.fingerprint,
  state: r.state,
  sequence: r.sequence,
  ruleName: r.rule_name,
  kind: r.kind,
  tier: r.tier,
  severity: r.severity,
  tenantName: r.tenant_name,
  teamName: r.team_name,
  entityId: r.entity_id,
  since: isoOrNull(r.since) as string,
  resolvedAt: isoOrNull(r.resolved_at),
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: isoOrNull(r.acknowledged_at),
  lastChange: r.last_change,
});

/** Which alerts `listAlerts` answers. */
export type AlertQuery = {
  /** Tenants the caller may read; null: every tenant. */
  tenantNames: readonly string[] | null;
  /** Only this entity's alerts (the entity page). */
  entityId?: number | undefined;
  /** Resolved alerts are listed when they resolved within this many hours (0: firing only). */
  recentHours: number;
  limit: number;
};

/**
 * Firing alerts and those resolved within `recentHours`, firing first, then newest change first.
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function listAlerts(sql: Sql, q: AlertQuery): Promise<AlertView[]> {
  const tenants = q.tenantNames ? textArray([...q.tenantNames]) : null;
  const rows = await sql<AlertRow>(
    `SELECT * FROM sla_alert
      WHERE (?::text[] IS NULL OR tenant_name = ANY(?::text[])) AND (?::int IS NULL OR entity_id = ?)
        AND (state = 'firing' OR resolved_at > now() - make_interval(hours => ?::int))
      ORDER BY state = 'firing' DESC, updated_at DESC, fingerprint LIMIT ?`,
    [tenants, tenants, q.entityId ?? null, q.entityId ?? null, q.recentHours, q.limit],
  );
  return rows.map(toView);
}

/**
 * Acknowledges a firing alert for `admin` (until it resolves; a new firing clears it),
 * audited (`alert` / `acknowledge`) in the same transaction. Acknowledging twice keeps the
 * first acknowledgement and writes no second audit entry.
 * As rules and channels answer: NOT_FOUND only when no alert has that fingerprint at all,
 * FORBIDDEN when `admin` is not an admin of the alert's tenant.
 * @throws AppError NOT_FOUND, FORBIDDEN, UNPROCESSABLE when it is not firing.
 */
export async function acknowledgeAlert(
  db: Pick<Db, 'tx'>,
  admin: Admin,
  input: { fingerprint: string },
): Promise<AlertView> {
  return db.tx(async (sql) => {
    const [row] = await sql<AlertRow>(`SELECT * FROM sla_alert WHERE fingerprint = ? FOR UPDATE`, [input.fingerprint]);
    if (!row) throw new AppError('NOT_FOUND', `fingerprint: no alert ${input.fingerprint}`);
    assertAdminOf(admin, row.tenant_name);
    if (row.state !== 'firing')
      throw new AppError('UNPROCESSABLE', `fingerprint: alert ${input.fingerprint} is not firing`);
    const before = toView(row);
    if (row.acknowledged_by !== null) return before;
    const [updated] = await sql<AlertRow>(
      `UPDATE sla_alert SET acknowledged_by = ?, acknowledged_at = now() WHERE fingerprint = ? RETURNING *`,
      [admin.label, input.fingerprint],
    );
    const after = toView(updated as AlertRow);
    await recordAudit(sql, {
      actor: admin.label,
      action: 'acknowledge',
      objectType: 'alert',
      objectId: input.fingerprint,
      tenantName: row.tenant_name,
      before,
      after,
    });
    return after;
  });
}
