import type { BurnTier } from '@sla/shared';
import { burnRate } from '../../domain/budget/figures.js';
import { sumsOver } from '../../domain/budget/sums.js';
import type { CountingPolicy, Exclusion, Timeline } from '../../domain/budget/types.js';
import { burnLabel, windowLabel } from './format.js';

const MINUTE_MS = 60_000;

/**
 * The tiers a burn-rate rule evaluates, in the order it evaluates them: enabled tiers only
 * (a disabled tier never fires), fastest first — the shortest long window, then the shortest
 * short window. Called once per rule and cycle, not per entity.
 */
export function tierOrder(tiers: readonly BurnTier[]): BurnTier[] {
  return tiers
    .filter((t) => t.enabled)
    .sort((a, b) => a.longWindowMinutes - b.longWindowMinutes || a.shortWindowMinutes - b.shortWindowMinutes);
}

/** The burn rate over the last `minutes` before `now`, as budgets compute it (`sumsOver` + `burnRate`). */
const burnOver = (
  t: Timeline,
  minutes: number,
  exclusions: readonly Exclusion[],
  counting: CountingPolicy,
  now: number,
): number | null => burnRate(sumsOver(t, [now - minutes * MINUTE_MS, now], exclusions, counting, now));

/** A tier that holds for an entity, with the burn rates that made it hold. */
export type HoldingTier = { tier: BurnTier; longBurn: number; shortBurn: number; heldBack: boolean };

/**
 * Multi-window multi-burn-rate (Google SRE Workbook, "Alerting on SLOs", "Multiwindow,
 * multi-burn-rate alerts"): a tier holds when the burn rates over its long and its short window
 * both exceed its factor. `tiers` in `tierOrder`. A slower tier that holds is `heldBack` (it
 * never starts an alert) while a faster tier holds, and also while a faster tier fired within
 * the slower tier's long window (`firedSince(faster, since)`, when given): the slower window
 * still holds the bad time the faster tier already paged on, so the same incident does not page
 * again once the fast tier resolves (pyrra#1883); bad time the slower tier sees a full window
 * after the faster tier last fired is a new problem and fires. The short window is computed
 * first, so an entity that is not burning costs one `sumsOver` per tier.
 * Calls `emit` only for holding tiers. O(tiers × (log segments + segments in the long window)).
 */
export function holdingTiers(
  t: Timeline,
  tiers: readonly BurnTier[],
  exclusions: readonly Exclusion[],
  counting: CountingPolicy,
  now: number,
  emit: (holding: HoldingTier) => void,
  firedSince?: (faster: BurnTier, since: number) => boolean,
): void {
  let fasterHolds = false;
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as BurnTier;
    const shortBurn = burnOver(t, tier.shortWindowMinutes, exclusions, counting, now);
    if (shortBurn === null || shortBurn <= tier.factor) continue;
    const longBurn = burnOver(t, tier.longWindowMinutes, exclusions, counting, now);
    if (longBurn === null || longBurn <= tier.factor) continue;
    const since = now - tier.longWindowMinutes * MINUTE_MS;
    const heldBack = fasterHolds || (firedSince !== undefined && tiers.slice(0, i).some((f) => firedSince(f, since)));
    emit({ tier, longBurn, shortBurn, heldBack });
    fasterHolds = true;
  }
}

/** "orders_daily: 1 h burn 18.2×, 5 min burn 20.0× (threshold 14.4)". */
export const burnSummary = (entityName: string, h: HoldingTier): string =>
  `${entityName}: ${windowLabel(h.tier.longWindowMinutes)} burn ${burnLabel(h.longBurn)}, ` +
  `${windowLabel(h.tier.shortWindowMinutes)} burn ${burnLabel(h.shortBurn)} (threshold ${h.tier.factor})`;
