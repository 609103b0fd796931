import type { EntityList, EntityListInput, Summary, TeamSummary, TenantSummary } from '@sla/shared';
import { ZEntityListInput } from '@sla/shared';
import type { z } from 'zod';
import { slaGap, toRollup, worstFirst } from '../cache/rollup.js';
import type { CachedEntity } from '../cache/types.js';
import type { EntityView } from '../cache/view.js';
import { TopK } from './top-k.js';
import { toWireEntity } from './wire.js';

type ListInput = z.output<typeof ZEntityListInput>;

const compareBy: Record<ListInput['sort'], (a: CachedEntity, b: CachedEntity) => number> = {
  currentSla: (a, b) => a.currentSla - b.currentSla,
  slaGap: (a, b) => slaGap(a) - slaGap(b),
  entityName: (a, b) => (a.entityName < b.entityName ? -1 : a.entityName > b.entityName ? 1 : 0),
  status: (a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0),
  updatedAt: (a, b) => a.updatedAt - b.updatedAt,
  observedAt: (a, b) => a.observedAt - b.observedAt,
};

/** Only the groups a filter names are visited; the rest of the view is not touched. */
function* candidates(view: EntityView, f: ListInput): Generator<CachedEntity> {
  const tenants = f.tenantName ? [view.tenants.get(f.tenantName)].filter((t) => !!t) : view.tenants.values();
  for (const tenant of tenants) {
    const teams = f.teamName ? [tenant.teams.get(f.teamName)].filter((t) => !!t) : tenant.teams.values();
    for (const team of teams) yield* team.entities;
  }
}

/** One page of entities, filtered and sorted, selected with a bounded heap (no full sort). */
export function listEntities(view: EntityView, input: EntityListInput, staleBefore: number): EntityList {
  const f = ZEntityListInput.parse(input);
  const q = f.q?.toLowerCase();
  const base = compareBy[f.sort];
  // Ties broken by id so pages are stable.
  const cmp = (a: CachedEntity, b: CachedEntity) => (f.dir === 'asc' ? base(a, b) : base(b, a)) || a.id - b.id;
  const top = new TopK<CachedEntity>(f.offset + f.limit, cmp);
  let total = 0;
  for (const e of candidates(view, f)) {
    if (f.entityType && e.entityType !== f.entityType) continue;
    if (f.status && e.status !== f.status) continue;
    if (f.stale !== undefined && e.observedAt < staleBefore !== f.stale) continue;
    if (q && !e.entityName.toLowerCase().includes(q)) continue;
    total++;
    top.push(e);
  }
  const items = top
    .sorted()
    .slice(f.offset)
    .map((e) => toWireEntity(e, staleBefore));
  return { total, items };
}

function worstOf(entities: Iterable<CachedEntity>, n: number, staleBefore: number) {
  const top = new TopK<CachedEntity>(n, (a, b) => slaGap(b) - slaGap(a) || a.id - b.id);
  let stale = 0;
  for (const e of entities) {
    top.push(e);
    if (e.observedAt < staleBefore) stale++;
  }
  return { worst: top.sorted().map((e) => toWireEntity(e, staleBefore)), stale };
}

/** Rollups per tenant and team, worst first. Rollup counters are maintained incrementally by the view. */
export function summarize(view: EntityView, worstN: number, staleBefore: number, staleAfterMinutes: number): Summary {
  let staleAll = 0;
  const tenants: TenantSummary[] = [];
  for (const tenant of view.tenants.values()) {
    const teams: TeamSummary[] = [];
    let tenantStale = 0;
    for (const team of tenant.teams.values()) {
      const { worst, stale } = worstOf(team.entities, worstN, staleBefore);
      tenantStale += stale;
      teams.push({ teamName: team.teamName, ...toRollup(team.counters, stale), worst });
    }
    teams.sort(worstFirst);
    staleAll += tenantStale;
    const worst = teams
      .flatMap((t) => t.worst)
      .sort((a, b) => b.slaTarget - b.currentSla - (a.slaTarget - a.currentSla))
      .slice(0, worstN);
    tenants.push({ tenantName: tenant.tenantName, ...toRollup(tenant.counters, tenantStale), teams, worst });
  }
  tenants.sort(worstFirst);
  return { overall: toRollup(view.counters, staleAll), tenants, staleAfterMinutes };
}

export function facets(view: EntityView) {
  return {
    tenants: [...view.tenants.values()]
      .map((t) => ({ tenantName: t.tenantName, teams: [...t.teams.keys()].sort() }))
      .sort((a, b) => a.tenantName.localeCompare(b.tenantName)),
    entityTypes: view.entityTypes,
  };
}
