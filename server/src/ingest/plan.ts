import type { Change, IncrementalUpdate, Outcome, Status } from '@sla/shared';
import type { EntityState } from '../domain/entity.js';
import { identityKey } from '../domain/entity.js';
import { type DeclaredTargets, declaredTargetFor } from './file-targets.js';

/** SLA target given to an entity first seen without one. */
export const DEFAULT_SLA_TARGET = 95;

/** Entity state as the planner tracks it; `id` is 0 until the database assigns one. */
export type StoredState = EntityState & { details: Record<string, unknown> | null };

export type PlannedChange = Omit<Change, 'observedAt' | 'receivedAt'> & {
  /** The entity's database id; 0 for an entity the same transaction creates, until its insert assigns one. */
  entityId: number;
  key: string;
  statusSince: number;
  observedAt: number;
  receivedAt: number;
  details: Record<string, unknown> | null;
};

type PlanItem = {
  outcome: Outcome;
  key: string;
  change: PlannedChange | null;
  entityAfter: StoredState;
  /** 'file': the rules file declares this entity's target, which replaced the poller's `slaTarget`. */
  targetFrom: 'file' | null;
};

export type Plan = { items: PlanItem[]; changes: PlannedChange[]; touched: Map<string, StoredState> };

/** Observations already in the change log, to recognise replays: key → "observedAt|sla|status". */
export type SeenObservations = Set<string>;
/** The `SeenObservations` entry of one observation: identity key, observedAt (epoch ms), SLA, status. */
export const observationKey = (key: string, observedAt: number, sla: number, status: Status) =>
  `${key}|${observedAt}|${sla}|${status}`;

/**
 * Decides, in submission order, what each update does to its entity: applied when it is
 * at least as new as the stored observation or forced (`replace`), stale when older,
 * duplicate when its observation is already in the log. Pure: the writer
 * runs it inside the transaction that holds the change-order lock, with the stored
 * states and the next free change id, then writes what it returns. A target the rules file
 * declares for the entity (`targets`) wins over the poller's `slaTarget` and the stored one.
 */
export function plan(
  updates: readonly { update: IncrementalUpdate; source: string }[],
  stored: Map<string, StoredState>,
  seen: SeenObservations,
  nextId: number,
  now: number,
  targets?: DeclaredTargets,
): Plan {
  const current = new Map(stored);
  const touched = new Map<string, StoredState>();
  const items: PlanItem[] = [];
  const changes: PlannedChange[] = [];
  for (const { update: u, source } of updates) {
    const key = identityKey(u);
    const before = current.get(key);
    const observedAt = u.observedAt ? Date.parse(u.observedAt) : now;
    const obsKey = observationKey(key, observedAt, u.currentSla, u.status);
    // A forced update (`replace`) is never a replay: it exists to overwrite whatever is stored.
    if (u.observedAt && before && !u.replace && seen.has(obsKey)) {
      items.push({ outcome: 'duplicate', key, change: null, entityAfter: before, targetFrom: null });
      continue;
    }
    seen.add(obsKey);
    const id = nextId++;
    const applied = !before || u.replace === true || observedAt >= before.observedAt;
    const declared = declaredTargetFor(targets, u, before?.id);
    const slaTarget = declared ?? u.slaTarget ?? before?.slaTarget ?? DEFAULT_SLA_TARGET;
    // Status-since never lies after the observation (a replaced state may have been dated in the future).
    const statusSince =
      before && before.status === u.status && before.statusSince <= observedAt ? before.statusSince : observedAt;
    const change: PlannedChange = {
      id,
      entityId: before?.id ?? 0,
      key,
      tenantName: u.tenantName,
      teamName: u.teamName,
      entityType: u.entityType,
      entityName: u.entityName,
      previousSla: before ? before.currentSla : null,
      previousStatus: before ? before.status : null,
      currentSla: u.currentSla,
      status: u.status,
      slaTarget,
      statusSince: applied ? statusSince : (before?.statusSince ?? observedAt),
      observedAt,
      receivedAt: now,
      applied,
      source,
      details: u.details ?? null,
    };
    changes.push(change);
    let entityAfter = before as StoredState;
    if (applied) {
      entityAfter = {
        id: before?.id ?? 0,
        tenantName: u.tenantName,
        teamName: u.teamName,
        entityType: u.entityType,
        entityName: u.entityName,
        slaTarget,
        currentSla: u.currentSla,
        status: u.status,
        statusSince,
        observedAt,
        updatedAt: now,
        version: id,
        details: u.details ?? before?.details ?? null,
      };
      current.set(key, entityAfter);
      touched.set(key, entityAfter);
    }
    items.push({
      outcome: applied ? 'applied' : 'stale',
      key,
      change,
      entityAfter,
      targetFrom: declared === null ? null : 'file',
    });
  }
  return { items, changes, touched };
}
