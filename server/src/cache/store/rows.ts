import type { EntityState } from '../../domain/entity.js';
import { teamField } from './team-field.js';

/**
 * The newest version of each id. A snapshot read in id order has no repeats, so strictly
 * increasing ids skip the map (it costs as much as encoding the entities).
 */
export function latestById(entities: readonly EntityState[]): readonly EntityState[] {
  let previous = Number.NEGATIVE_INFINITY;
  let increasing = true;
  for (const e of entities) {
    if (e.id <= previous) {
      increasing = false;
      break;
    }
    previous = e.id;
  }
  if (increasing) return entities;
  const latest = new Map<number, EntityState>();
  for (const e of entities) {
    const seen = latest.get(e.id);
    if (seen === undefined || seen.version < e.version) latest.set(e.id, e);
  }
  return [...latest.values()];
}

/** Entities grouped by team field, a repeated id keeping only its newest version. */
export function groupByTeam(entities: readonly EntityState[]): Map<string, EntityState[]> {
  const byTeam = new Map<string, EntityState[]>();
  for (const e of latestById(entities)) {
    const field = teamField(e.tenantName, e.teamName);
    const group = byTeam.get(field);
    if (group) group.push(e);
    else byTeam.set(field, [e]);
  }
  return byTeam;
}
