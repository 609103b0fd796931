import type { Change, Entity, EntityList, History } from '@sla/shared';

/**
 * The entity state a change sets. Changes recorded only in history (applied: false) and
 * changes not newer than the entity's version leave it alone, mirroring the server rule
 * that an entity never moves backwards.
 */
export function patchEntity(e: Entity, c: Change): Entity {
  if (!c.applied || c.entityId !== e.id || c.id <= e.version) return e;
  return {
    ...e,
    currentSla: c.currentSla,
    status: c.status,
    slaTarget: c.slaTarget,
    observedAt: c.observedAt,
    updatedAt: c.receivedAt,
    version: c.id,
    statusSince: c.status === e.status ? e.statusSince : c.observedAt,
    stale: false,
  };
}

/** Newest applied change per entity in a batch: later changes supersede earlier ones. */
export function latestByEntity(changes: readonly Change[]): Map<number, Change> {
  const latest = new Map<number, Change>();
  for (const c of changes) {
    if (!c.applied) continue;
    const seen = latest.get(c.entityId);
    if (!seen || seen.id < c.id) latest.set(c.entityId, c);
  }
  return latest;
}

/** Patches the rows on a page in place of a refetch; returns the same object when untouched. */
export function patchList(list: EntityList, latest: ReadonlyMap<number, Change>): EntityList {
  let touched = false;
  const items = list.items.map((e) => {
    const c = latest.get(e.id);
    if (!c) return e;
    const next = patchEntity(e, c);
    if (next !== e) touched = true;
    return next;
  });
  return touched ? { ...list, items } : list;
}

/** Replaces matching entities in a short list (the overview's worst entities). */
export function patchEntities(list: Entity[], latest: ReadonlyMap<number, Change>): Entity[] {
  let touched = false;
  const next = list.map((e) => {
    const c = latest.get(e.id);
    const p = c ? patchEntity(e, c) : e;
    if (p !== e) touched = true;
    return p;
  });
  return touched ? next : list;
}

/** Appends an entity's new observations to its open history (chart points and transitions). */
export function patchHistory(h: History, changes: readonly Change[]): History {
  const mine = changes.filter((c) => c.entityId === h.entity.id);
  if (mine.length === 0) return h;
  const lastTransition = h.transitions.at(-1)?.changeId ?? 0;
  const points = [...h.points];
  const transitions = [...h.transitions];
  let entity = h.entity;
  let lastReceivedAt = h.lastReceivedAt;
  for (const c of mine) {
    points.push({ at: c.observedAt, sla: c.currentSla, status: c.status });
    if (c.applied && c.previousStatus !== c.status && c.id > lastTransition) {
      transitions.push({ at: c.observedAt, from: c.previousStatus, to: c.status, changeId: c.id });
    }
    entity = patchEntity(entity, c);
    if (!lastReceivedAt || c.receivedAt > lastReceivedAt) lastReceivedAt = c.receivedAt;
  }
  // Late (out-of-order) observations belong at their own time on the chart.
  points.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { entity, points, transitions, lastReceivedAt };
}
