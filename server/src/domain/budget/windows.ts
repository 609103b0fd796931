import type { WindowCategory, WindowScope } from '@sla/shared';
import { DateTime } from 'luxon';
import { RRule } from './rrule-lib.js';
import { normalizeRrule } from './rrule-text.js';
import type { Exclusion, Interval } from './types.js';

/**
 * Maintenance windows as exclusions (docs/budgets.md "Maintenance windows").
 *
 * Recurrence uses rrule in "floating" time: rrule's `tzid` support converts through the
 * process's local zone and is known to shift occurrences across DST changes (jkbrzt/rrule
 * #294, #359, #390, #611), so the rule is expanded in UTC on wall-clock fields (DTSTART = the
 * window start's local date and time in its zone, read as if UTC; no DST exists there) and each
 * occurrence's wall time is placed in the zone by luxon. A weekly 02:00 Europe/Berlin window
 * thus stays at 02:00 local on both sides of a DST change. A wall time that does not exist
 * (spring forward) moves forward by the gap (02:30 → 03:30); one that occurs twice (fall back)
 * is taken at its later, standard-time instant (luxon's choice).
 */

/** What `expandWindow` needs of a window: epoch ms, an RRULE value or null, an IANA zone. */
export type WindowTiming = { start: number; end: number; rrule: string | null; timeZone: string; until: number | null };

/** A window with what decides where it applies and how its time is reported. */
export type ScopedWindow = WindowTiming & { scope: WindowScope; category: WindowCategory };

/** The entity fields a window scope is matched against. */
export type ScopedEntity = { id: number; tenantName: string; teamName: string; entityType: string };

/** Epoch ms of the wall-clock time of `ms` in `zone`, read as if it were UTC (how rules are expanded). */
export const toFloating = (ms: number, zone: string): number =>
  DateTime.fromMillis(ms, { zone }).setZone('UTC', { keepLocalTime: true }).toMillis();

/** The instant at which the wall-clock time `floating` (fields read in UTC) occurs in `zone`. */
const fromFloating = (floating: number, zone: string): number => {
  const f = DateTime.fromMillis(floating, { zone: 'UTC' });
  return DateTime.fromObject(
    { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second },
    { zone },
  ).toMillis();
};

// Bounded memo of built rules and of expansions: many entities share a window and a range in
// one computation, and rrule walks from DTSTART on every query. Values are never mutated.
const MEMO_MAX = 2048;
const rules = new Map<string, RRule>();
const expansions = new Map<string, Interval[]>();
function remember<V>(memo: Map<string, V>, key: string, make: () => V): V {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, value);
  return value;
}

function ruleOf(text: string, start: number, zone: string): RRule {
  return remember(rules, `${text}|${start}|${zone}`, () => {
    const rule = normalizeRrule(text);
    const options = RRule.parseString(rule);
    // An UNTIL in UTC (`…Z`) is an instant: move it onto the floating scale; a floating UNTIL
    // is a wall time already.
    if (options.until && /UNTIL=\d{8}T\d{6}Z/.test(rule))
      options.until = new Date(toFloating(options.until.getTime(), zone));
    // noCache: rrule would otherwise keep every answered range in the memoised rule forever.
    return new RRule({ ...options, dtstart: new Date(toFloating(start, zone)), tzid: null }, true);
  });
}

function expand(w: WindowTiming, range: Interval): Interval[] {
  const duration = w.end - w.start;
  const out: Interval[] = [];
  const clip = (s: number, e: number) => {
    const a = Math.max(s, range[0]);
    const b = Math.min(e, range[1]);
    if (b > a) out.push([a, b]);
  };
  if (duration <= 0 || range[1] <= range[0]) return out;
  if (!w.rrule) {
    clip(w.start, w.end);
    return out;
  }
  // Zone offsets are under a day, so a day either side of the range finds every occurrence
  // whose real time overlaps it; the exact test follows.
  const day = 86_400_000;
  const found = ruleOf(w.rrule, w.start, w.timeZone).between(
    new Date(range[0] - duration - day),
    new Date(range[1] + day),
    true,
  );
  for (const f of found) {
    const s = fromFloating(f.getTime(), w.timeZone);
    if (w.until !== null && s > w.until) break;
    clip(s, s + duration);
  }
  return out;
}

/**
 * The occurrences of a window that overlap `range = [from, to)` (epoch ms), each cut to the
 * range, ascending. One-off (`rrule` null): `[start, end)`. Recurring: the rule (an RRULE value
 * without DTSTART; see `validateRrule`) repeats from `start`'s local wall time in `timeZone`,
 * each occurrence lasting `end − start` ms of real time; occurrences starting after `until`
 * (epoch ms, when set) are dropped. Empty for `end ≤ start`. Throws rrule's error for a rule
 * `validateRrule` refuses.
 */
export function expandWindow(w: WindowTiming, range: Interval): Interval[] {
  const key = `${w.start}|${w.end}|${w.rrule}|${w.timeZone}|${w.until}|${range[0]}|${range[1]}`;
  return remember(expansions, key, () => expand(w, range)).slice();
}

/**
 * Whether a window's scope covers the entity: same tenant, and the team, entity type and entity
 * id each either unset (null) or equal.
 */
export const windowApplies = (scope: WindowScope, entity: ScopedEntity): boolean =>
  scope.tenantName === entity.tenantName &&
  (scope.teamName === null || scope.teamName === entity.teamName) &&
  (scope.entityType === null || scope.entityType === entity.entityType) &&
  (scope.entityId === null || scope.entityId === entity.id);

/**
 * The exclusions of `entity` in `range` (epoch ms): every occurrence of every window applying to
 * it, cut to the range, with the window's category. Unsorted and possibly overlapping (sums and
 * reports merge them).
 */
export function exclusionsFor(entity: ScopedEntity, windows: readonly ScopedWindow[], range: Interval): Exclusion[] {
  const out: Exclusion[] = [];
  for (const w of windows) {
    if (!windowApplies(w.scope, entity)) continue;
    for (const [start, end] of expandWindow(w, range)) out.push({ start, end, category: w.category });
  }
  return out;
}
