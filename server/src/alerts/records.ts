import type { Sql } from '../db/sql.js';
import type { AlertRecord } from '../domain/alerts/index.js';
import type { AlertChange } from './types.js';

type Row = { fingerprint: string; last_change: AlertChange | string; announced: AlertChange['state'] | null };

/**
 * Every alert's record as `sla_alert` holds it (fingerprint → record), for the evaluator that
 * just won its lease. Subject, state, sequence, summary and time come from the row's last
 * recorded change; `announced` is the state of the latest change queued in the outbox for the
 * fingerprint (recorded in the same transaction as the change, so it is exact), null when none
 * ever was (every change so far suppressed, or the rule has no channel).
 * @throws DatabaseUnavailable when PostgreSQL is away.
 */
export async function loadAlertRecords(sql: Sql): Promise<Map<string, AlertRecord>> {
  const rows = await sql<Row>(
    `WITH told AS (
       SELECT DISTINCT ON (fingerprint) fingerprint, change->>'state' AS state
         FROM sla_alert_outbox ORDER BY fingerprint, sequence DESC)
     SELECT a.fingerprint, a.last_change, told.state AS announced
       FROM sla_alert a LEFT JOIN told ON told.fingerprint = a.fingerprint`,
  );
  const out = new Map<string, AlertRecord>();
  for (const r of rows) {
    const c = (typeof r.last_change === 'string' ? JSON.parse(r.last_change) : r.last_change) as AlertChange;
    out.set(r.fingerprint, {
      fingerprint: r.fingerprint,
      state: c.state,
      sequence: c.sequence,
      ruleName: c.ruleName,
      kind: c.kind,
      tier: c.tier,
      severity: c.severity,
      tenantName: c.tenantName,
      teamName: c.teamName,
      entity: c.entity,
      summary: c.summary,
      changedAt: Date.parse(c.at),
      announced: r.announced,
    });
  }
  return out;
}
