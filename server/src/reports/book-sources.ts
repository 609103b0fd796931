import type { BudgetBook } from '../budget/book.js';
import type { Interval, Timeline } from '../domain/budget/index.js';
import { namedIdOf } from '../domain/entity.js';
import type { EntityView } from '../readmodel/view.js';
import type { ReportEntity, ReportScope, ReportSources } from './sources.js';

/** What provisional reports read of the pod's budget state. */
export type BookReader = { readonly loaded: boolean; readonly heldFrom: number; readonly book: BudgetBook };

/**
 * Report sources whose timelines come from the pod's in-memory budget book (entities from
 * the view) when the book is loaded and holds the whole range; otherwise from `base` (the
 * change log). Used for provisional reports only: closed snapshots are always computed from
 * the change log, so every pod closes a period from the same rows and its hash is stable.
 * The scope's entities are listed as the base lists them (empty when the scope names no
 * known tenant, team or entity); buildReport orders the rows itself.
 */
export function withBookTimelines(base: ReportSources, view: EntityView, budgets: BookReader): ReportSources {
  return {
    ...base,
    timelines: async (scope: ReportScope, range: Interval) => {
      if (!budgets.loaded || range[0] < budgets.heldFrom) return base.timelines(scope, range);
      const tenant = view.tenants.get(scope.tenantName);
      const out: { entity: ReportEntity; timeline: Timeline | null }[] = [];
      if (!tenant) return out;
      for (const team of tenant.teams.values()) {
        if (scope.teamName !== undefined && team.teamName !== scope.teamName) continue;
        for (const slot of team.slots) {
          const e = view.entity(slot);
          if (scope.entityId !== undefined && e.id !== scope.entityId) continue;
          out.push({ entity: namedIdOf(e), timeline: budgets.book.get(e.id) ?? null });
        }
      }
      return out;
    },
  };
}
