import type { EntityBudget, TeamBudget, TenantBudget } from '@sla/shared';
import type { ScopedEntity } from '../domain/budget/index.js';
import { AppError } from '../platform/errors.js';
import type { EntityView } from '../readmodel/view.js';
import type { BudgetBook } from './book.js';
import {
  addBundles,
  type BudgetContext,
  budgetOf,
  contextOf,
  emptyBundle,
  entitySums,
  exclusionsOf,
  inMaintenance,
  type SumsBundle,
} from './figures.js';
import { memoised } from './memo.js';
import type { BudgetPolicy } from './policy.js';

/** What the budget reads are computed from: memory only (the book, the view, the policy). */
export type BudgetReadDeps = {
  book: BudgetBook;
  view: EntityView;
  policy: () => BudgetPolicy;
  staleAfterMs: number;
  /** @throws AppError UNAVAILABLE while the book is not loaded. */
  assertLoaded: () => void;
  now?: () => number;
};

type TeamRollup = { teamName: string; sums: SumsBundle; entities: number };
type TenantRollup = { tenantName: string; ctx: BudgetContext; sums: SumsBundle; entities: number; teams: TeamRollup[] };

/** The instant asked for (`at`, ISO) or now. */
export const instantOf = (d: BudgetReadDeps, at: string | undefined): number =>
  at === undefined ? (d.now ?? Date.now)() : Date.parse(at);

/** The memo key: what the answers depend on (the clock by the second, or the fixed `at`). */
export const versionOf = (d: BudgetReadDeps, now: number, at: string | undefined): string =>
  `${d.book.revision}|${d.view.revision}|${d.policy().version}|${at === undefined ? Math.floor(now / 1000) : now}`;

/** A tenant's context at `now`. */
export function tenantContext(d: BudgetReadDeps, tenantName: string, now: number): BudgetContext {
  const policy = d.policy();
  return contextOf(tenantName, policy.settingsOf(tenantName), policy.windows(), now, d.staleAfterMs);
}

/**
 * Every tenant's and team's sums, walking every entity once (7 windows each); memoised per
 * book, view and policy version and second, so a burst of dashboard reads costs one walk.
 */
function rollups(d: BudgetReadDeps, now: number, at: string | undefined): Map<string, TenantRollup> {
  return memoised(d.book, 'rollups', versionOf(d, now, at), () => {
    const out = new Map<string, TenantRollup>();
    const { view, book } = d;
    for (const [tenantName, tenant] of view.tenants) {
      const ctx = tenantContext(d, tenantName, now);
      const teams: TeamRollup[] = [];
      let tenantSums = emptyBundle(ctx);
      let entities = 0;
      for (const [teamName, team] of tenant.teams) {
        let sums = emptyBundle(ctx);
        for (const slot of team.slots) {
          const id = view.col.id[slot] as number;
          const scoped: ScopedEntity = { id, tenantName, teamName, entityType: view.typeName(slot) };
          sums = addBundles(sums, entitySums(book.get(id), exclusionsOf(scoped, ctx), ctx));
        }
        teams.push({ teamName, sums, entities: team.slots.length });
        tenantSums = addBundles(tenantSums, sums);
        entities += team.slots.length;
      }
      teams.sort((a, b) => a.teamName.localeCompare(b.teamName));
      out.set(tenantName, { tenantName, ctx, sums: tenantSums, entities, teams });
    }
    return out;
  });
}

const teamBudget = (t: TenantRollup, team: TeamRollup): TeamBudget => ({
  ...budgetOf(team.sums, t.ctx),
  tenantName: t.tenantName,
  teamName: team.teamName,
  entities: team.entities,
});

const tenantBudget = (t: TenantRollup): TenantBudget => ({
  ...budgetOf(t.sums, t.ctx),
  tenantName: t.tenantName,
  entities: t.entities,
  teams: t.teams.map((team) => teamBudget(t, team)),
});

/** `budgets.overview`: every tenant with its teams, by tenant name. */
export function overview(d: BudgetReadDeps, at?: string): { tenants: TenantBudget[] } {
  d.assertLoaded();
  const now = instantOf(d, at);
  return memoised(d.book, 'overview', versionOf(d, now, at), () => ({
    tenants: [...rollups(d, now, at).values()]
      .sort((a, b) => a.tenantName.localeCompare(b.tenantName))
      .map(tenantBudget),
  }));
}

/** `budgets.tenant`. @throws AppError NOT_FOUND for a tenant the view does not know. */
export function tenant(d: BudgetReadDeps, tenantName: string, at?: string): TenantBudget {
  d.assertLoaded();
  const now = instantOf(d, at);
  const t = rollups(d, now, at).get(tenantName);
  if (!t) throw new AppError('NOT_FOUND', `No tenant named ${JSON.stringify(tenantName)}`);
  return tenantBudget(t);
}

/** `budgets.team`. @throws AppError NOT_FOUND for an unknown tenant or team. */
export function team(d: BudgetReadDeps, tenantName: string, teamName: string, at?: string): TeamBudget {
  d.assertLoaded();
  const now = instantOf(d, at);
  const t = rollups(d, now, at).get(tenantName);
  const found = t?.teams.find((x) => x.teamName === teamName);
  if (!t || !found)
    throw new AppError('NOT_FOUND', `No team ${JSON.stringify(teamName)} in tenant ${JSON.stringify(tenantName)}`);
  return teamBudget(t, found);
}

/** One entity's budget, or null when the view does not know the id. */
function entityBudgetAt(d: BudgetReadDeps, id: number, now: number): EntityBudget | null {
  const e = d.view.get(id);
  if (!e) return null;
  const ctx = tenantContext(d, e.tenantName, now);
  const exclusions = exclusionsOf(e, ctx);
  return {
    ...budgetOf(entitySums(d.book.get(id), exclusions, ctx), ctx),
    entityId: id,
    tenantName: e.tenantName,
    teamName: e.teamName,
    entityType: e.entityType,
    entityName: e.entityName,
    inMaintenance: inMaintenance(exclusions, now),
  };
}

/** `budgets.entity`. @throws AppError NOT_FOUND for an unknown id. */
export function entity(d: BudgetReadDeps, id: number, at?: string): EntityBudget {
  d.assertLoaded();
  const b = entityBudgetAt(d, id, instantOf(d, at));
  if (!b) throw new AppError('NOT_FOUND', `No entity with id ${id}`);
  return b;
}

/** `budgets.entities`: the budgets of the known ids, in the order asked (unknown ids left out). */
export function entities(d: BudgetReadDeps, ids: readonly number[], at?: string): { items: EntityBudget[] } {
  d.assertLoaded();
  const now = instantOf(d, at);
  const items: EntityBudget[] = [];
  for (const id of ids) {
    const b = entityBudgetAt(d, id, now);
    if (b) items.push(b);
  }
  return { items };
}
