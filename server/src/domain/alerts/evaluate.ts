import type { AlertRule, AlertSeverity } from '@sla/shared';
import type { Exclusion } from '../../domain/budget/types.js';
import { burnSummary, type HoldingTier, holdingTiers, tierOrder } from './burn-rate.js';
import { fingerprint } from './fingerprint.js';
import { durationLabel } from './format.js';
import { badSince } from './since.js';
import type { AlertEntity, Condition, EvaluationContext } from './types.js';

const MINUTE_MS = 60_000;
const NO_EXCLUSIONS: readonly Exclusion[] = [];

/** Whether the entity is in the rule's scope: the rule's tenant, and each set scope field equal. */
export const inScope = (rule: AlertRule, e: AlertEntity): boolean =>
  rule.tenantName === e.tenantName &&
  (rule.scope.teamName === undefined || rule.scope.teamName === e.teamName) &&
  (rule.scope.entityType === undefined || rule.scope.entityType === e.entityType) &&
  (rule.scope.entityId === undefined || rule.scope.entityId === e.id);

/**
 * Whether stale rules are held back: ingest is unavailable (no observation can arrive, so
 * silence says nothing about the pollers), or it came back less than `graceMs` ago (pollers
 * are still catching up). So an outage of PostgreSQL does not page every team.
 */
export const staleHeldBack = (ctx: EvaluationContext): boolean =>
  ctx.ingestUnavailableSince !== null || (ctx.ingestBackAt !== null && ctx.now < ctx.ingestBackAt + ctx.graceMs);

function condition(
  rule: AlertRule,
  e: AlertEntity,
  tier: string | null,
  severity: AlertSeverity,
  summary: () => string,
  heldBack: boolean,
): Condition {
  return {
    ruleName: rule.name,
    kind: rule.kind,
    tier,
    severity,
    tenantName: e.tenantName,
    teamName: e.teamName,
    entity: { id: e.id, name: e.entityName, type: e.entityType },
    // Written out only when read (a firing starts, a re-announcement): every cycle makes a
    // condition for every alert that keeps firing, and formatting its figures cost more than
    // deciding it. `summary` must not read the refilled entity object: capture values first.
    get summary() {
      return summary();
    },
    heldBack,
  };
}

/** The status rule's condition for one entity, or null when it does not hold. */
function statusCondition(rule: Extract<AlertRule, { kind: 'status' }>, e: AlertEntity, ctx: EvaluationContext) {
  const { to, forMinutes } = rule.status;
  const since =
    to === 'Failed'
      ? e.status === 'Failed'
        ? e.statusSince
        : null
      : e.timeline
        ? badSince(e.timeline, ctx.now, ctx.counting.staleAfterMs)
        : null;
  if (since === null || ctx.now - since < forMinutes * MINUTE_MS) return null;
  const [name, sla, target, forMs] = [e.entityName, e.currentSla, e.slaTarget, ctx.now - since];
  const what = () => (to === 'Failed' ? 'Failed' : `below target (SLA ${sla} % < ${target} %)`);
  return condition(rule, e, null, rule.severity, () => `${name}: ${what()} for ${durationLabel(forMs)}`, false);
}

/** The stale rule's condition for one entity (from `now` and its last observation alone), or null. */
function staleCondition(
  rule: Extract<AlertRule, { kind: 'stale' }>,
  e: AlertEntity,
  ctx: EvaluationContext,
  heldBack: boolean,
) {
  const silentMs = ctx.now - e.observedAt;
  if (silentMs < rule.stale.forMinutes * MINUTE_MS) return null;
  const name = e.entityName;
  const summary = () => `${name}: no observation for ${durationLabel(silentMs)}`;
  return condition(rule, e, null, rule.severity, summary, heldBack);
}

/**
 * The conditions of one rule that hold at `ctx.now` over `entities` (any iterable; entities
 * outside the rule's scope are skipped), added to `into` (fingerprint → condition) and returned.
 * - burn_rate: per entity and enabled tier, both windows' burn rates over the factor
 *   (`holdingTiers`); slower tiers held back while a faster one holds or fired within the
 *   slower tier's long window (`ctx.lastFiringAt`).
 * - status: Failed (the last known status, from `statusSince`; it stays Failed while the entity is
 *   stale), or below target (the timeline's unbroken `bad` run, which staleness ends), for at
 *   least `forMinutes`.
 * - stale: no observation for at least `forMinutes` before `now` (no poller traffic needed);
 *   held back per `staleHeldBack`.
 * Cost: O(entities) per rule — for burn rates × tiers × the segments in the windows — with no
 * allocation for an entity whose conditions do not hold (one small sums object per window
 * looked at); fingerprints and conditions are made only for conditions that hold. 100,000
 * entities × 3 rules is 300,000 scope checks and at most 1.8 million window sums per cycle.
 */
export function evaluateRule(
  rule: AlertRule,
  entities: Iterable<AlertEntity>,
  ctx: EvaluationContext,
  into: Map<string, Condition> = new Map(),
): Map<string, Condition> {
  const tiers = rule.kind === 'burn_rate' ? tierOrder(rule.burnRate.tiers) : [];
  const heldBack = staleHeldBack(ctx);
  // One callback for the whole walk (not a closure per entity): it reads the entity in hand.
  let e: AlertEntity | undefined;
  const emit = (h: HoldingTier) => {
    const at = e as AlertEntity;
    const name = at.entityName;
    const c = condition(rule, at, h.tier.name, h.tier.severity, () => burnSummary(name, h), h.heldBack);
    into.set(fingerprint(rule, at.id, h.tier.name), c);
  };
  const lastFiringAt = ctx.lastFiringAt;
  const firedSince = lastFiringAt
    ? (faster: { name: string }, since: number) => {
        const at = lastFiringAt(fingerprint(rule, (e as AlertEntity).id, faster.name));
        return at !== null && at >= since;
      }
    : undefined;
  for (e of entities) {
    if (!inScope(rule, e)) continue;
    if (rule.kind === 'burn_rate') {
      if (!e.timeline || tiers.length === 0) continue;
      const exclusions = ctx.exclusionsOf ? ctx.exclusionsOf(e) : NO_EXCLUSIONS;
      holdingTiers(e.timeline, tiers, exclusions, ctx.counting, ctx.now, emit, firedSince);
      continue;
    }
    const c = rule.kind === 'status' ? statusCondition(rule, e, ctx) : staleCondition(rule, e, ctx, heldBack);
    if (c) into.set(fingerprint(rule, e.id, null), c);
  }
  return into;
}
