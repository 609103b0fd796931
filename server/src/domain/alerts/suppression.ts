import type { AlertChange } from '@sla/shared';
import { changeOf } from './advance.js';
import { durationLabel } from './format.js';
import type { AlertRecord, Condition, Silence, WindowOccurrence } from './types.js';

/** Nullable scope fields; an unset (null or undefined) field covers everything. */
type ScopeFields = {
  tenantName: string;
  teamName?: string | null;
  entityType?: string | null;
  entityId?: number | null;
};

const unset = (v: unknown): boolean => v === null || v === undefined;

/**
 * Whether a silence's or window's scope covers the alert of `change`: same tenant, and each
 * set field equal to the alert's. An alert about a whole scope (no entity) is covered only by a
 * scope with no entity type or id.
 */
function covers(scope: ScopeFields, change: AlertChange): boolean {
  return (
    scope.tenantName === change.tenantName &&
    (unset(scope.teamName) || scope.teamName === change.teamName) &&
    (unset(scope.entityType) || scope.entityType === change.entity?.type) &&
    (unset(scope.entityId) || scope.entityId === change.entity?.id)
  );
}

/**
 * Whether delivery of `change` is suppressed at `now` (epoch ms): a silence active at `now`
 * (`startsAt ≤ now < endsAt`) covers it (scope, and its rule when the silence names one), or a
 * maintenance window occurrence active at `now` covers it. O(silences + windows).
 */
export function isSuppressed(
  change: AlertChange,
  silences: readonly Silence[],
  windows: readonly WindowOccurrence[],
  now: number,
): boolean {
  for (const s of silences) {
    if (
      s.startsAt <= now &&
      now < s.endsAt &&
      covers(s, change) &&
      (unset(s.ruleName) || s.ruleName === change.ruleName)
    )
      return true;
  }
  for (const w of windows) if (w.start <= now && now < w.end && covers(w.scope, change)) return true;
  return false;
}

/**
 * What is delivered of one cycle's changes, and the re-announcements silences and windows
 * owe. `records`: `advance`'s `next`; `changes`: its changes.
 * - a firing change is delivered unless `isSuppressed`;
 * - a resolved change is delivered exactly when receivers were told the alert fires
 *   (`announced === 'firing'`), even during a silence: a recovery is never hidden from whoever
 *   was paged; a resolve of an alert nobody was told of is suppressed;
 * - a record still firing that receivers were not told of (its firing was suppressed) and that
 *   nothing suppresses any more is re-announced: a new firing change (sequence + 1, `at` = now)
 *   — so the end of a silence or window re-evaluates what it hid. Its summary is as of `now`
 *   (`reannouncedSummary`), not the one from when the alert first fired.
 * Returns the next records (`announced` updated; `records` is not changed), the changes to
 * deliver (in order: this cycle's, then re-announcements) and the suppressed ones (kept for the
 * alert's history, never sent). Idempotent like `advance`. O(records × (silences + windows))
 * at worst, for firing records not yet announced; O(records) otherwise. `holding`: the
 * conditions that hold at `now` (as given to `advance`; may be partial or absent), used for
 * the re-announcements' summaries.
 */
export function announce(
  records: ReadonlyMap<string, AlertRecord>,
  changes: readonly AlertChange[],
  silences: readonly Silence[],
  windows: readonly WindowOccurrence[],
  now: number,
  holding?: ReadonlyMap<string, Condition>,
): { next: Map<string, AlertRecord>; deliver: AlertChange[]; suppressed: AlertChange[] } {
  const next = new Map(records);
  const deliver: AlertChange[] = [];
  const suppressed: AlertChange[] = [];
  const changed = new Set<string>();
  for (const c of changes) {
    changed.add(c.fingerprint);
    const r = next.get(c.fingerprint);
    const told = r?.announced === 'firing';
    const send = c.state === 'firing' ? !isSuppressed(c, silences, windows, now) : told;
    if (!send) {
      suppressed.push(c);
      continue;
    }
    deliver.push(c);
    if (r) next.set(c.fingerprint, { ...r, announced: c.state });
  }
  for (const [fp, r] of records) {
    if (r.state !== 'firing' || r.announced === 'firing' || changed.has(fp)) continue;
    if (isSuppressed(changeOf(r), silences, windows, now)) continue;
    const summary = reannouncedSummary(r, holding?.get(fp), now);
    const again: AlertRecord = { ...r, sequence: r.sequence + 1, summary, changedAt: now, announced: 'firing' };
    next.set(fp, again);
    deliver.push(changeOf(again));
  }
  return { next, deliver, suppressed };
}

/**
 * The summary of a firing record re-announced at `now` (its firing was suppressed): the
 * condition's summary as evaluated at `now` when `current` is given (its durations and rates
 * are today's), else the record's summary with how long it has been firing (from the record's
 * `changedAt`, its firing time, to `now`); then why it comes only now.
 * E.g. "pg_table2: Failed for 2 min (firing for 2 min, announced now: it was silenced or in maintenance)".
 */
export function reannouncedSummary(r: AlertRecord, current: Condition | undefined, now: number): string {
  const base = current?.summary ?? r.summary;
  return `${base} (firing for ${durationLabel(now - r.changedAt)}, announced now: it was silenced or in maintenance)`;
}
