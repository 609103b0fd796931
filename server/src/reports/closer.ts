import type { Report } from '@sla/shared';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { type PeriodKind, periodContaining, periodState } from '../domain/budget/index.js';
import { every } from '../platform/every.js';
import { buildReport } from './build.js';
import { reportHash } from './canonical.js';
import type { RunLock } from './lease.js';
import { correctionReason } from './reason.js';
import { closePeriod, type ReportsDeps, sealed } from './service.js';
import { insertSnapshot, recentSnapshots, scopeKey, snapshotAt } from './snapshots.js';

/** How far back closed periods are re-checked for corrections: 13 months (inside the 400-day log retention). */
export const RECHECK_DAYS = 396;

/** An audit entry the closer records (actor `system`); wired to the audit log by the composition root. */
export type CloserAudit = (entry: {
  action: 'report.close' | 'report.revise';
  tenantName: string;
  objectId: string;
  before: unknown;
  after: unknown;
}) => Promise<void>;

export type CloserDeps = ReportsDeps & { lock: RunLock; log: Logger; audit?: CloserAudit };

/** What one run did (for logs and tests). */
export type CloserRun = { closed: string[]; revised: string[]; checked: number };

/**
 * The report closer (docs/budgets.md "Closing"): on one pod at a time (`lock`), it
 * 1. closes each tenant's whole-tenant report of the previous month and quarter (in the
 *    tenant's zone) once their grace time has passed, as revision 1;
 * 2. re-checks every snapshot whose period ended in the last 13 months: recomputes it and,
 *    when its content hash differs from the latest revision's, inserts revision n+1 with the
 *    reason it can infer (`reason.ts`), keeping the older ones.
 * A period is recomputed only when it may have changed: on the first run of this pod, when
 * the policy version (settings, windows) moved, or when an applied result observed before
 * the period's end was logged since the last check (a late result).
 */
export class ReportCloser {
  /** Per `tenant|period`: the policy version and change-log head the last check saw. */
  private readonly checked = new Map<string, { version: string; head: number }>();

  constructor(private readonly d: CloserDeps) {}

  /** Runs every `intervalMs` (never two at once); returns the stop function. */
  start(intervalMs: number): () => void {
    return every(
      intervalMs,
      async () => {
        const run = await this.runOnce();
        if (run && (run.closed.length > 0 || run.revised.length > 0)) this.d.log.info(run, 'report periods closed');
      },
      (err) => this.d.log.warn({ err }, 'report closer run failed; retried next interval'),
    );
  }

  /** One run; null when another pod holds the lock. */
  async runOnce(): Promise<CloserRun | null> {
    const r = await this.d.lock.tryRun(() => this.run());
    return r.ran ? r.value : null;
  }

  private async run(): Promise<CloserRun> {
    const now = (this.d.now ?? Date.now)();
    const out: CloserRun = { closed: [], revised: [], checked: 0 };
    // Read before computing: a result logged meanwhile is seen by the next run.
    const head = await headChangeId(this.d.sql);
    const version = this.d.sources.policyVersion();
    const recent = await recentSnapshots(this.d.sql, now - RECHECK_DAYS * 86_400_000);
    const have = new Set(recent.filter((s) => s.scope === scopeKey({})).map((s) => `${s.tenantName}|${s.period}`));
    for (const tenantName of await this.d.sources.tenants()) {
      const zone = this.d.sources.settingsOf(tenantName).timeZone;
      for (const kind of ['month', 'quarter'] as PeriodKind[]) {
        const current = periodContaining(now, kind, zone);
        const previous = periodContaining(current.from - 1, kind, zone);
        const key = `${tenantName}|${previous.label}`;
        if (have.has(key) || periodState(previous, now, this.d.graceMs) !== 'closable') continue;
        await this.guarded(key, async () => {
          const snap = await closePeriod(this.d, tenantName, previous.label, now);
          this.checked.set(key, { version, head });
          if (!snap.inserted) return; // another pod closed it first
          out.closed.push(key);
          await this.d.audit?.({
            action: 'report.close',
            tenantName,
            objectId: `${previous.label}#1`,
            before: null,
            after: { revision: 1, contentHash: snap.contentHash },
          });
        });
      }
    }
    for (const s of recent) {
      if (s.scope !== scopeKey({})) continue;
      const key = `${s.tenantName}|${s.period}`;
      const last = this.checked.get(key);
      if (last && last.version === version && !(await lateResults(this.d.sql, s.tenantName, last.head, s.periodTo)))
        continue;
      out.checked++;
      await this.guarded(key, async () => {
        const rebuilt = await buildReport(this.d.sources, { tenantName: s.tenantName, period: s.period }, now);
        this.checked.set(key, { version, head });
        if (reportHash(rebuilt) === s.contentHash) return;
        const old = await snapshotAt(this.d.sql, s, s.revision);
        const reason = old ? correctionReason(old.report, rebuilt) : 'recomputed';
        const next: Report = sealed(rebuilt, s.revision + 1);
        if (!(await insertSnapshot(this.d.sql, s, next, reason))) return; // another pod's revision
        out.revised.push(`${key}#${next.revision}`);
        await this.d.audit?.({
          action: 'report.revise',
          tenantName: s.tenantName,
          objectId: `${s.period}#${next.revision}`,
          before: { revision: s.revision, contentHash: s.contentHash },
          after: { revision: next.revision, contentHash: next.contentHash, reason },
        });
      });
    }
    return out;
  }

  /** One period's work: a failure (a tenant gone, PostgreSQL busy) is logged and the others go on. */
  private async guarded(key: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.d.log.warn({ err, report: key }, 'report period could not be closed or re-checked');
    }
  }
}

async function headChangeId(sql: Sql): Promise<number> {
  const [row] = await sql<{ head: string | number }>('SELECT coalesce(max(id), 0) AS head FROM sla_change');
  return Number(row?.head ?? 0);
}

/** Whether an applied result observed before `before` (ms) was logged for the tenant after change `afterId`. */
async function lateResults(sql: Sql, tenantName: string, afterId: number, before: number): Promise<boolean> {
  const rows = await sql(
    'SELECT 1 FROM sla_change WHERE tenant_name = ? AND id > ? AND applied AND observed_at < ?::timestamptz LIMIT 1',
    [tenantName, afterId, new Date(before).toISOString()],
  );
  return rows.length > 0;
}
