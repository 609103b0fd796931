import type { BudgetSeries, Burndown } from '@sla/shared';
import { DateTime } from 'luxon';
import {
  addSums,
  emptySums,
  figuresOf,
  localDays,
  type ScopedEntity,
  sumsOver,
  targetAt,
} from '../domain/budget/index.js';
import type { BudgetSums, Interval } from '../domain/budget/types.js';
import { AppError } from '../platform/errors.js';
import { exclusionsOf } from './figures.js';
import { memoised } from './memo.js';
import { type BudgetReadDeps, instantOf, tenantContext, versionOf } from './queries.js';

const HOUR_MS = 3_600_000;

/** Each entity `budgets.series` adds up: the id with what scopes its windows. */
function scopeOf(
  d: BudgetReadDeps,
  input: { entityId?: number; tenantName?: string },
): {
  tenantName: string;
  entities: ScopedEntity[];
} {
  const { view } = d;
  if (input.entityId !== undefined) {
    const e = view.get(input.entityId);
    if (!e) throw new AppError('NOT_FOUND', `No entity with id ${input.entityId}`);
    return { tenantName: e.tenantName, entities: [e] };
  }
  const tenantName = input.tenantName as string;
  const tenant = view.tenants.get(tenantName);
  if (!tenant) throw new AppError('NOT_FOUND', `No tenant named ${JSON.stringify(tenantName)}`);
  const entities: ScopedEntity[] = [];
  for (const [teamName, team] of tenant.teams)
    for (const slot of team.slots)
      entities.push({ id: view.col.id[slot] as number, tenantName, teamName, entityType: view.typeName(slot) });
  return { tenantName, entities };
}

/**
 * `budgets.series`: daily compliance of one entity or a whole tenant (time-weighted) over
 * the last `days` local days of the tenant's zone, today (partial) included.
 * @throws AppError NOT_FOUND for an unknown entity or tenant.
 */
export function series(
  d: BudgetReadDeps,
  input: { entityId?: number; tenantName?: string; days: number; at?: string },
): BudgetSeries {
  d.assertLoaded();
  const now = instantOf(d, input.at);
  const key = `series|${input.entityId ?? ''}|${input.tenantName ?? ''}|${input.days}`;
  return memoised(d.book, key, versionOf(d, now, input.at), () => {
    const scope = scopeOf(d, input);
    const ctx = tenantContext(d, scope.tenantName, now);
    const zone = ctx.settings.timeZone;
    const from = DateTime.fromMillis(now, { zone })
      .startOf('day')
      .minus({ days: input.days - 1 })
      .toMillis();
    const days = localDays([from, now], zone);
    const span: Interval = [from, now];
    const totals = days.map((day) => emptySums(day.from, day.to));
    for (const e of scope.entities) {
      const t = d.book.get(e.id);
      if (!t) continue;
      const exclusions = exclusionsOf(e, ctx, span);
      days.forEach((day, i) => {
        totals[i] = addSums(totals[i] as BudgetSums, sumsOver(t, [day.from, day.to], exclusions, ctx.counting, now));
      });
    }
    return {
      timeZone: zone,
      days: days.map((day, i) => {
        const f = figuresOf(totals[i] as BudgetSums);
        return { date: day.date, compliance: f.compliance, countedMs: f.countedMs, breachMs: f.breachMs };
      }),
    };
  });
}

/**
 * `budgets.burndown`: the current calendar month of one entity. The month's budget is the
 * allowed fraction (its target at now) of the time counted so far plus the rest of the
 * month (assumed counted); each hourly point is that budget less the breach since the
 * month began, the last point at now.
 * @throws AppError NOT_FOUND for an unknown entity.
 */
export function burndown(d: BudgetReadDeps, entityId: number, at?: string): Burndown {
  d.assertLoaded();
  const now = instantOf(d, at);
  const e = d.view.get(entityId);
  if (!e) throw new AppError('NOT_FOUND', `No entity with id ${entityId}`);
  const ctx = tenantContext(d, e.tenantName, now);
  const [from, to] = ctx.calendar;
  const t = d.book.get(entityId);
  const exclusions = exclusionsOf(e, ctx);
  const sums = (a: number, b: number) => (t ? sumsOver(t, [a, b], exclusions, ctx.counting, now) : emptySums(a, b));
  const soFar = sums(from, now);
  const target = (t && targetAt(t, now)) ?? e.slaTarget;
  const allowedMs = ((100 - target) / 100) * (soFar.countedMs + Math.max(0, to - now));
  const points: Burndown['points'] = [];
  let breach = 0;
  for (let a = from; a < now; a += HOUR_MS) {
    const b = Math.min(a + HOUR_MS, now);
    breach += sums(a, b).breachMs;
    points.push({ at: new Date(b).toISOString(), remainingMs: allowedMs - breach });
  }
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    allowedMs,
    points: [{ at: new Date(from).toISOString(), remainingMs: allowedMs }, ...points],
  };
}
