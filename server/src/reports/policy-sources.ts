import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/sql.js';
import type { PolicyStore } from '../policy/store.js';
import type { CloserAudit } from './closer.js';
import { changeLogSources } from './log-sources.js';
import type { ReportSources } from './sources.js';

/**
 * Report sources of a pod: timelines from the change log, each tenant's settings and the
 * maintenance windows from the pod's PolicyStore (its version is the policy version the
 * closer watches).
 */
export function policyReportSources(db: Pick<Db, 'sql' | 'snapshotTx'>, store: PolicyStore, staleAfterMs: number) {
  const base = changeLogSources(db, { staleAfterMs, settings: { timeZone: 'UTC', noDataPolicy: 'exclude' } });
  const sources: ReportSources = {
    ...base,
    settingsOf: (tenantName) => store.settingsOf(tenantName),
    windows: () => store.scopedWindows(),
    policyVersion: () => String(store.version),
  };
  return sources;
}

/** The closer's audit entries, in the audit log as actor `system`, object type `report`. */
export const auditReports =
  (sql: Db['sql']): CloserAudit =>
  async (e) => {
    await recordAudit(sql, {
      actor: 'system',
      action: e.action === 'report.close' ? 'close' : 'revise',
      objectType: 'report',
      objectId: `${e.tenantName}/${e.objectId}`,
      tenantName: e.tenantName,
      before: e.before,
      after: e.after,
    });
  };
