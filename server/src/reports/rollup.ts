import type { BudgetFigures, ReportRow } from '@sla/shared';
import { pctOrNull, roundMs } from './precision.js';

/**
 * A report's summary from its rows (docs/budgets.md "Rollups": time-weighted): counted,
 * breach, excluded, no-data and allowed time are summed; compliance, remaining budget and
 * the weighted target and mean reported SLA are computed from the sums. Rows are already
 * rounded, so a summary computed here from a stored snapshot's rows (a team's part of a
 * closed tenant report) is exactly the summary a fresh computation of that team gives.
 * `from`, `to`: the period as ISO strings.
 */
export function rollupRows(rows: readonly ReportRow[], from: string, to: string): BudgetFigures {
  let counted = 0;
  let breach = 0;
  let excluded = 0;
  let noData = 0;
  let allowed = 0;
  let targetMs = 0;
  let targetBase = 0;
  let slaMs = 0;
  let slaBase = 0;
  for (const r of rows) {
    counted += r.countedMs;
    breach += r.breachMs;
    excluded += r.excludedMs;
    noData += r.noDataMs;
    allowed += r.allowedMs;
    if (r.target !== null && r.countedMs > 0) {
      targetMs += r.target * r.countedMs;
      targetBase += r.countedMs;
    }
    if (r.meanReportedSla !== null && r.countedMs > 0) {
      slaMs += r.meanReportedSla * r.countedMs;
      slaBase += r.countedMs;
    }
  }
  const remaining = allowed - breach;
  return {
    from,
    to,
    target: targetBase > 0 ? pctOrNull(targetMs / targetBase) : null,
    countedMs: roundMs(counted),
    breachMs: roundMs(breach),
    excludedMs: roundMs(excluded),
    noDataMs: roundMs(noData),
    allowedMs: roundMs(allowed),
    remainingMs: roundMs(remaining),
    remainingPct: allowed > 0 ? pctOrNull((100 * remaining) / allowed) : null,
    compliance: counted > 0 ? pctOrNull(100 * (1 - breach / counted)) : null,
    meanReportedSla: slaBase > 0 ? pctOrNull(slaMs / slaBase) : null,
  };
}
