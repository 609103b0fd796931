import type { IncrementalUpdate, Outcome } from '@sla/shared';
import type { TxIdentity } from '../db/commit-outcome.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../platform/errors.js';
import { loadDeclaredTargets } from './file-targets.js';
import {
  claimKey,
  type IdempotencyClaim,
  loadRemembered,
  type Remembered,
  type RememberedResult,
  remember,
} from './idempotency.js';
import { type PlannedChange, plan, type StoredState } from './plan.js';
import { loadForWrite, type Probe, takeChangeOrderLock, writeRun } from './repository.js';

export type ItemResult = {
  outcome: Outcome;
  changeId: number | null;
  entity: StoredState;
  /** Set when the rules file's target replaced the poller's (not kept for an Idempotency-Key replay). */
  targetFrom?: 'file';
};

/** One request's share of a group-commit transaction. */
export type Submission = {
  updates: { update: IncrementalUpdate; source: string }[];
  /** Set when the request carried an Idempotency-Key. */
  claim: IdempotencyClaim | null;
};

/** What the transaction decided for one submission. */
export type Fate = { kind: 'written' | 'replayed'; results: ItemResult[] } | { kind: 'refused'; error: AppError };

export type WrittenRun = {
  fromId: number;
  toId: number;
  changes: PlannedChange[];
};

/** Per submission: write it (and remember its answer), or answer without writing. */
type Decision = { write: true } | { write: false; fate: Fate } | { write: false; follows: number };

const refused = (key: string): Fate => ({
  kind: 'refused',
  error: new AppError(
    'UNPROCESSABLE',
    `Idempotency-Key "${key}" was already used for a different request (another body or route); send a new key with each new request`,
  ),
});

function decide(units: readonly Submission[], remembered: Map<string, Remembered>): Decision[] {
  const firstWriter = new Map<string, number>();
  return units.map((u, i): Decision => {
    if (!u.claim) return { write: true };
    const k = claimKey(u.claim);
    const stored = remembered.get(k);
    const leader = firstWriter.get(k);
    const known = stored?.fingerprint ?? (leader === undefined ? undefined : units[leader]?.claim?.fingerprint);
    if (known === undefined) {
      firstWriter.set(k, i);
      return { write: true };
    }
    if (known !== u.claim.fingerprint) return { write: false, fate: refused(u.claim.key) };
    if (stored) return { write: false, fate: { kind: 'replayed', results: stored.results.map(fromMemory) } };
    // The same request twice in one transaction (a retry racing its original): the second gets the first's answer.
    return { write: false, follows: leader as number };
  });
}

const fromMemory = (r: RememberedResult): ItemResult => ({ ...r, entity: { ...r.entity, details: null } });

const forMemory = (r: ItemResult): RememberedResult => {
  const { details: _, ...entity } = r.entity;
  return { outcome: r.outcome, changeId: r.changeId, entity };
};

/**
 * The body of one ingest transaction: takes the change-order lock (reporting the
 * transaction's identity into `tx`), answers submissions whose Idempotency-Key it already
 * remembers, plans and writes the others in submission order, and remembers their answers.
 * Returns each submission's fate and the run of changes written (ids `fromId..toId`).
 * `clock` (epoch ms) is read once the lock is held; a committed run is announced with
 * NOTIFY (changelog/notify.ts).
 */
export async function writeSubmissions(
  sql: Sql,
  tx: TxIdentity,
  units: readonly Submission[],
  clock: () => number,
  idempotencyTtlMs: number,
): Promise<{ fates: Fate[]; run: WrittenRun }> {
  await takeChangeOrderLock(sql, tx);
  // "Now" once the lock is held: a transaction that waited for it must not stamp an earlier time than the one before it.
  const now = clock();
  const claims = units.flatMap((u) => (u.claim ? [u.claim] : []));
  const decisions = decide(units, await loadRemembered(sql, claims, now));
  const writing = units.filter((_, i) => decisions[i]?.write);
  const all = writing.flatMap((u) => u.updates);
  const probes: Probe[] = [];
  for (const { update } of all)
    if (update.observedAt && !update.replace) probes.push({ ...update, observedAt: Date.parse(update.observedAt) });
  const { head, stored, seen } = await loadForWrite(
    sql,
    all.map((a) => a.update),
    probes,
  );
  const targets = await loadDeclaredTargets(
    sql,
    all.map((a) => a.update.tenantName),
  );
  const p = plan(all, stored, seen, head + 1, now, targets);
  const existing: StoredState[] = [];
  const created: StoredState[] = [];
  for (const s of p.touched.values()) (s.id === 0 ? created : existing).push(s);
  const changes = p.changes;
  const ids =
    changes.length === 0
      ? new Map<string, number>()
      : await writeRun(sql, { existing, created, changes, lastId: head + changes.length });
  // Set in place (no copies): the planner's objects keep one shape, which the writes and the hook read fast.
  for (const it of p.items) if (it.entityAfter.id === 0) it.entityAfter.id = ids.get(it.key) ?? 0;
  for (const c of changes) if (c.entityId === 0) c.entityId = ids.get(c.key) ?? 0;

  const fates: Fate[] = [];
  const toRemember: { claim: IdempotencyClaim; results: RememberedResult[] }[] = [];
  let next = 0;
  for (const [i, d] of decisions.entries()) {
    if (!d.write) {
      const leader = 'follows' in d ? fates[d.follows] : undefined;
      fates.push(
        'fate' in d ? d.fate : { kind: 'replayed', results: leader && 'results' in leader ? leader.results : [] },
      );
      continue;
    }
    const unit = units[i] as Submission;
    const results = p.items.slice(next, next + unit.updates.length).map(
      (it): ItemResult => ({
        outcome: it.outcome,
        changeId: it.change?.id ?? null,
        entity: it.entityAfter,
        ...(it.targetFrom ? { targetFrom: it.targetFrom } : {}),
      }),
    );
    next += unit.updates.length;
    fates.push({ kind: 'written', results });
    if (unit.claim) toRemember.push({ claim: unit.claim, results: results.map(forMemory) });
  }
  await remember(sql, toRemember, now, idempotencyTtlMs);
  return { fates, run: { fromId: head + 1, toId: head + changes.length, changes } };
}
