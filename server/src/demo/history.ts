import type { DemoEntity } from './dataset.js';

const HOUR = 3_600_000;

/** Days of seeded history: more than a 30-day budget window and a whole calendar month. */
export const HISTORY_DAYS = 36;

/**
 * Hours before an entity's last report at which the seed places results, oldest first:
 * every 12 hours beyond 14 days, every 6 hours within them (the detail chart's default
 * range stays as dense as before; the older part is only read by budgets and reports,
 * and coarser steps keep the seed quick). The first lies one step beyond 36 days, so a
 * 36-day window starts with a point.
 */
export function historyOffsets(): number[] {
  const out: number[] = [];
  for (let h = HISTORY_DAYS * 24 + 12; h > 14 * 24; h -= 12) out.push(h);
  for (let h = 14 * 24; h >= 0; h -= 6) out.push(h);
  return out;
}

/**
 * Team-wide incidents in the demo history: which team, how many days ago each starts and
 * how long it lasts. Every entity of the team breaches during it, so budgets, heatmaps and
 * reports have something to show in every tenant.
 */
export const DEMO_INCIDENTS = [
  { tenantName: 'Data Engineering', teamName: 'Ingestion', daysAgo: 19, hours: 14 },
  { tenantName: 'Data Engineering', teamName: 'PGM', daysAgo: 3, hours: 7 },
  { tenantName: 'Marketing Analytics', teamName: 'Campaigns', daysAgo: 27, hours: 20 },
  { tenantName: 'Finance', teamName: 'Billing', daysAgo: 9, hours: 13 },
] as const;

/** Whether a result `ageMs` before now falls inside an incident of the entity's team. */
export function inIncident(e: Pick<DemoEntity, 'tenantName' | 'teamName' | 'profile'>, ageMs: number): boolean {
  if (e.profile === 'stale') return false;
  return DEMO_INCIDENTS.some(
    (i) =>
      i.tenantName === e.tenantName &&
      i.teamName === e.teamName &&
      ageMs <= i.daysAgo * 24 * HOUR &&
      ageMs > (i.daysAgo * 24 - i.hours) * HOUR,
  );
}
