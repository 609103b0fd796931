import type { EntityList, EntityListInput, Summary, TeamSummary, TenantSummary } from '@sla/shared';
import { ZEntityListInput } from '@sla/shared';
import type { z } from 'zod';
import { toWireEntity } from '../domain/wire.js';
import { toRollup, worstFirst } from './rollup.js';
import { TopK } from './top-k.js';
import type { EntityView } from './view.js';

type ListInput = z.output<typeof ZEntityListInput>;

type Compare = (view: EntityView) => (a: number, b: number) => number;

/** Comparators over slots, reading the view's columns (no object per candidate). */
const compareBy: Record<ListInput['sort'], Compare> = {
  currentSla: (v) => (a, b) => (v.col.currentSla[a] as number) - (v.col.currentSla[b] as number),
  slaGap: (v) => (a, b) => gap(v, a) - gap(v, b),
  entityName: (v) => (a, b) => {
    const x = v.name(a);
    const y = v.name(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  status: (v) => (a, b) => {
    const x = v.status(a);
    const y = v.status(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  updatedAt: (v) => (a, b) => (v.col.updatedAt[a] as number) - (v.col.updatedAt[b] as number),
  observedAt: (v) => (a, b) => (v.col.observedAt[a] as number) - (v.col.observedAt[b] as number),
};

/** How far an entity falls short of its target (negative when it exceeds it). */
const gap = (v: EntityView, slot: number) => (v.col.slaTarget[slot] as number) - (v.col.currentSla[slot] as number);

/** Only the groups a filter names are visited; the rest of the view is not touched. */
function* candidates(view: EntityView, f: ListInput): Generator<number> {
  const tenants = f.tenantName ? [view.tenants.get(f.tenantName)].filter((t) => !!t) : view.tenants.values();
  for (const tenant of tenants) {
    const teams = f.teamName ? [tenant.teams.get(f.teamName)].filter((t) => !!t) : tenant.teams.values();
    for (const team of teams) yield* team.slots;
  }
}

/** One page of entities, filtered and sorted, selected with a bounded heap (no full sort). */
export function listEntities(view: EntityView, input: EntityListInput, staleBefore: number): EntityList {
  const f = ZEntityListInput.parse(input);
  const q = f.q?.toLowerCase();
  const base = compareBy[f.sort](view);
  const ids = view.col.id;
  // Ties broken by id so pages are stable.
  const cmp = (a: number, b: number) =>
    (f.dir === 'asc' ? base(a, b) : base(b, a)) || (ids[a] as number) - (ids[b] as number);
  const top = new TopK<number>(f.offset + f.limit, cmp);
  const observed = view.col.observedAt;
  let total = 0;
  for (const slot of candidates(view, f)) {
    if (f.entityType && view.typeName(slot) !== f.entityType) continue;
    if (f.status && view.status(slot) !== f.status) continue;
    if (f.stale !== undefined && (observed[slot] as number) < staleBefore !== f.stale) continue;
    if (q && !view.name(slot).toLowerCase().includes(q)) continue;
    total++;
    top.push(slot);
  }
  const items = top
    .sorted()
    .slice(f.offset)
    .map((slot) => toWireEntity(view.entity(slot), staleBefore));
  return { total, items };
}

function worstOf(view: EntityView, slots: number[], n: number, staleBefore: number) {
  const ids = view.col.id;
  const top = new TopK<number>(n, (a, b) => gap(view, b) - gap(view, a) || (ids[a] as number) - (ids[b] as number));
  const observed = view.col.observedAt;
  let stale = 0;
  for (const slot of slots) {
    top.push(slot);
    if ((observed[slot] as number) < staleBefore) stale++;
  }
  return { worst: top.sorted().map((slot) => toWireEntity(view.entity(slot), staleBefore)), stale };
}

/** Rollups per tenant and team, worst first. Rollup counters are maintained incrementally by the view. */
export function summarize(view: EntityView, worstN: number, staleBefore: number, staleAfterMinutes: number): Summary {
  let staleAll = 0;
  const tenants: TenantSummary[] = [];
  for (const tenant of view.tenants.values()) {
    const teams: TeamSummary[] = [];
    let tenantStale = 0;
    for (const team of tenant.teams.values()) {
      const { worst, stale } = worstOf(view, team.slots, worstN, staleBefore);
      tenantStale += stale;
      teams.push({ teamName: team.teamName, ...toRollup(team.counters, stale), worst });
    }
    // Ties by name, so every pod answers alike whatever order its view was loaded in.
    teams.sort((a, b) => worstFirst(a, b) || byName(a.teamName, b.teamName));
    staleAll += tenantStale;
    const worst = teams
      .flatMap((t) => t.worst)
      .sort((a, b) => b.slaTarget - b.currentSla - (a.slaTarget - a.currentSla) || a.id - b.id)
      .slice(0, worstN);
    tenants.push({ tenantName: tenant.tenantName, ...toRollup(tenant.counters, tenantStale), teams, worst });
  }
  tenants.sort((a, b) => worstFirst(a, b) || byName(a.tenantName, b.tenantName));
  return { overall: toRollup(view.counters, staleAll), tenants, staleAfterMinutes };
}

const byName = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** The filter choices of the dashboard: tenants (by name) with their sorted team names, and the entity types. */
export function facets(view: EntityView) {
  return {
    tenants: [...view.tenants.values()]
      .map((t) => ({ tenantName: t.tenantName, teams: [...t.teams.keys()].sort() }))
      .sort((a, b) => a.tenantName.localeCompare(b.tenantName)),
    entityTypes: view.entityTypes,
  };
}
