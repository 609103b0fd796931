import { MAX_BURN_WINDOW_MINUTES } from '@sla/shared';
import type { BudgetBook } from '../budget/book.js';
import type { AlertEntity, AlertRecord, WindowOccurrence } from '../domain/alerts/index.js';
import { exclusionsFor, expandWindow, type ScopedWindow } from '../domain/budget/index.js';
import type { Exclusion, Interval } from '../domain/budget/types.js';
import type { EntityView } from '../readmodel/view.js';
import type { AlertConfig } from './engine-types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The entities of one tenant in the pod's view with their budget timelines, as `evaluateRule`
 * reads them. One object is refilled for every entity (evaluation keeps no reference to it), so
 * a walk over 100,000 entities allocates nothing per entity. Read it synchronously: the view
 * may change between ticks.
 */
export function* tenantEntities(
  view: EntityView,
  book: Pick<BudgetBook, 'get'>,
  tenantName: string,
): Generator<AlertEntity> {
  const tenant = view.tenants.get(tenantName);
  if (!tenant) return;
  const e = { tenantName } as AlertEntity;
  for (const [teamName, team] of tenant.teams) {
    e.teamName = teamName;
    for (const slot of team.slots) yield fill(e, view, book, slot);
  }
}

/** Refills `e` (all but its tenant and team) with the entity in `slot` and its timeline. */
function fill(e: AlertEntity, view: EntityView, book: Pick<BudgetBook, 'get'>, slot: number): AlertEntity {
  const c = view.col;
  const id = c.id[slot] as number;
  e.id = id;
  e.entityType = view.typeName(slot);
  e.entityName = view.name(slot);
  e.status = view.status(slot);
  e.statusSince = c.statusSince[slot] as number;
  e.currentSla = c.currentSla[slot] as number;
  e.slaTarget = c.slaTarget[slot] as number;
  e.observedAt = c.observedAt[slot] as number;
  e.timeline = book.get(id);
  return e;
}

/**
 * The entities of the view whose ids are in `ids` (any tenant; ids not in the view are
 * skipped), as `tenantEntities` yields them (one refilled object: read it synchronously).
 * What an incremental cycle, and each run of a full walk, evaluates.
 */
export function* chosenEntities(
  view: EntityView,
  book: Pick<BudgetBook, 'get'>,
  ids: Iterable<number>,
): Generator<AlertEntity> {
  const e = {} as AlertEntity;
  for (const id of ids) {
    const slot = view.slotOf(id);
    if (slot < 0) continue;
    const team = view.teamOf(slot);
    e.tenantName = team.tenantName;
    e.teamName = team.teamName;
    yield fill(e, view, book, slot);
  }
}

/** `now` rounded down to the minute: expansions are memoised by range, so ranges repeat for a minute. */
const minuteOf = (now: number) => Math.floor(now / MINUTE_MS) * MINUTE_MS;

/**
 * The maintenance window occurrences active at `now` (epoch ms), with their scopes, for
 * `isSuppressed`/`announce`. Occurrences are expanded over a day either side of the minute.
 */
export function activeOccurrences(windows: readonly ScopedWindow[], now: number): WindowOccurrence[] {
  const m = minuteOf(now);
  const range: Interval = [m - DAY_MS, m + DAY_MS];
  const out: WindowOccurrence[] = [];
  for (const w of windows)
    for (const [start, end] of expandWindow(w, range))
      if (start <= now && now < end) out.push({ scope: w.scope, start, end });
  return out;
}

/**
 * `EvaluationContext.exclusionsOf` for a tenant's windows: an entity's maintenance exclusions
 * over the longest burn window (`MAX_BURN_WINDOW_MINUTES`) before `now`; none (one shared empty
 * array) when the tenant has no window.
 */
export function exclusionsOfTenant(
  windows: readonly ScopedWindow[],
  tenantName: string,
  now: number,
): ((e: AlertEntity) => readonly Exclusion[]) | undefined {
  const own = windows.filter((w) => w.scope.tenantName === tenantName);
  if (own.length === 0) return undefined;
  const m = minuteOf(now);
  const range: Interval = [m - MAX_BURN_WINDOW_MINUTES * MINUTE_MS, m + MINUTE_MS];
  return (e) => exclusionsFor(e, own, range);
}

/**
 * The entity ids a full walk visits: every entity of a tenant some rule names, then every
 * entity with an alert record that is not among them (gone from the view, or its tenant's rules
 * gone), whose alerts then resolve.
 */
export function walkIds(config: AlertConfig, view: EntityView, records: ReadonlyMap<string, AlertRecord>): number[] {
  const tenants = new Set(config.rules.map((r) => r.tenantName));
  const ids: number[] = [];
  for (const tenantName of tenants) {
    const tenant = view.tenants.get(tenantName);
    if (!tenant) continue;
    for (const team of tenant.teams.values()) for (const slot of team.slots) ids.push(view.col.id[slot] as number);
  }
  // Without a set of every id (100,000 entries a walk): an entity is among them when it is in
  // the view under a tenant some rule names.
  const others = new Set<number>();
  for (const r of records.values()) {
    if (!r.entity) continue;
    const slot = view.slotOf(r.entity.id);
    if (slot < 0 || !tenants.has(view.teamOf(slot).tenantName)) others.add(r.entity.id);
  }
  for (const id of others) ids.push(id);
  return ids;
}
