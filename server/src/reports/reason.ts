import type { Report, ReportRow } from '@sla/shared';
import { canonicalJson } from './canonical.js';

/**
 * Why a recomputed closed report differs from its latest revision, inferred from what
 * changed (recorded with the new revision):
 * - `tenant settings changed`: the time zone or NoData policy differ;
 * - `target changed`: an entity's target at the period end differs;
 * - `maintenance window changed`: an entity's excluded time differs;
 * - `late results`: entities appeared or vanished, or counted/breach/no-data time or the
 *   reported SLA changed with the windows and targets as they were;
 * - `recomputed`: none of these (e.g. a change in how figures are computed).
 * Several reasons are joined with `; `.
 */
export function correctionReason(before: Report, after: Report): string {
  const reasons: string[] = [];
  if (before.timeZone !== after.timeZone || before.noDataPolicy !== after.noDataPolicy)
    reasons.push('tenant settings changed');
  const old = new Map(before.rows.map((r) => [r.entityId, r]));
  const now = new Map(after.rows.map((r) => [r.entityId, r]));
  let target = false;
  let window = false;
  let results = old.size !== now.size || [...now.keys()].some((id) => !old.has(id));
  for (const [id, r] of now) {
    const o = old.get(id);
    if (!o) continue;
    const t = o.target !== r.target;
    const w = o.excludedMs !== r.excludedMs || canonicalJson(o.excludedMinutes) !== canonicalJson(r.excludedMinutes);
    target ||= t;
    window ||= w;
    if (!t && !w && figuresDiffer(o, r)) results = true;
  }
  if (target) reasons.push('target changed');
  if (window) reasons.push('maintenance window changed');
  if (results) reasons.push('late results');
  return reasons.length > 0 ? reasons.join('; ') : 'recomputed';
}

const figuresDiffer = (a: ReportRow, b: ReportRow) =>
  a.countedMs !== b.countedMs ||
  a.breachMs !== b.breachMs ||
  a.noDataMs !== b.noDataMs ||
  a.meanReportedSla !== b.meanReportedSla ||
  canonicalJson(a.breaches) !== canonicalJson(b.breaches);
