import type { AlertChange } from '@sla/shared';
import type { AlertRecord, Condition } from './types.js';

/** The change a record's latest state change reports (`at` as ISO 8601 UTC). */
export const changeOf = (r: AlertRecord, summary = r.summary): AlertChange => ({
  fingerprint: r.fingerprint,
  sequence: r.sequence,
  state: r.state,
  ruleName: r.ruleName,
  kind: r.kind,
  tier: r.tier,
  severity: r.severity,
  tenantName: r.tenantName,
  teamName: r.teamName,
  entity: r.entity,
  summary,
  at: new Date(r.changedAt).toISOString(),
});

/**
 * One step of the alert state machine at `now` (epoch ms). `current`: every fingerprint's
 * record (resolved ones included: they keep the sequence); `holding`: every condition that
 * holds now, over all rules (a fingerprint absent from it has cleared — so pass a complete
 * evaluation, never a partial one).
 * - a holding condition whose record is absent or resolved starts firing (sequence + 1), unless
 *   it is `heldBack`;
 * - a firing record whose condition is absent resolves (sequence + 1, summary "resolved: …");
 * - anything else changes nothing (a firing alert keeps its first summary and time).
 * Returns the next records (a new map; `current` is not changed; unchanged records are shared)
 * and the changes, resolves first then firings, at most one per fingerprint. Idempotent: a
 * second call with `next` and the same `holding` yields no changes. O(records + holding).
 */
export function advance(
  current: ReadonlyMap<string, AlertRecord>,
  holding: ReadonlyMap<string, Condition>,
  now: number,
): { next: Map<string, AlertRecord>; changes: AlertChange[] } {
  const next = new Map(current);
  const changes: AlertChange[] = [];
  for (const [fp, r] of current) {
    if (r.state !== 'firing' || holding.has(fp)) continue;
    const resolved: AlertRecord = {
      ...r,
      state: 'resolved',
      sequence: r.sequence + 1,
      summary: `resolved: ${r.summary}`,
      changedAt: now,
    };
    next.set(fp, resolved);
    changes.push(changeOf(resolved));
  }
  for (const [fp, c] of holding) {
    const r = current.get(fp);
    if (r?.state === 'firing' || c.heldBack) continue;
    const { summary, heldBack: _, ...subject } = c;
    const firing: AlertRecord = {
      ...subject,
      fingerprint: fp,
      state: 'firing',
      sequence: (r?.sequence ?? 0) + 1,
      summary,
      changedAt: now,
      announced: r?.announced ?? null,
    };
    next.set(fp, firing);
    changes.push(changeOf(firing));
  }
  return { next, changes };
}
