import type { AlertRule, NoDataPolicy } from '@sla/shared';
import type { BudgetBook } from '../budget/book.js';
import {
  type AlertRecord,
  advance,
  announce,
  type Condition,
  type EvaluationContext,
  evaluateRule,
} from '../domain/alerts/index.js';
import type { ScopedWindow } from '../domain/budget/index.js';
import type { EntityView } from '../readmodel/view.js';
import type { AlertConfig } from './engine-types.js';
import { activeOccurrences, chosenEntities, exclusionsOfTenant, tenantEntities } from './inputs.js';
import type { ChangeToRecord } from './store.js';

/** What one evaluation cycle reads besides the configuration and the records. */
export type CycleInputs = {
  view: EntityView;
  /** The budget book (only `get` is read). */
  book: Pick<BudgetBook, 'get'>;
  /** A tenant's no-data policy (its budget settings). */
  noDataPolicyOf: (tenantName: string) => NoDataPolicy;
  /** Every maintenance window (the PolicyStore's `scopedWindows`). */
  windows: readonly ScopedWindow[];
  staleAfterMs: number;
  ingestUnavailableSince: number | null;
  ingestBackAt: number | null;
  graceMs: number;
};

/**
 * One evaluation cycle at `now`, pure but for reading the view and the book (read in slices, with
 * the event loop served between them, so entities changed meanwhile are read as they are then): every rule over its
 * tenant's entities (`evaluateRule`), `advance` on the complete set of holding conditions, then
 * `announce` with the silences and the maintenance occurrences active at `now`.
 * With `only` (entity ids), an incremental cycle: every rule over those entities alone, and
 * `advance` over their records alone (an entity's conditions depend on nothing but the entity,
 * its timeline and `now`, so this is what a full cycle would decide for them; the other records
 * are kept as they are). Full cycles still run for what time alone changes (stale, "for N
 * minutes", burn rates decaying, windows and silences ending).
 * Returns the next records and what to record, in order: every state change (suppressed ones
 * with no channel, so the alert's history and sequence stay complete), each delivered one with
 * its rule's channels. O(entities × rules) plus the records; incremental: O(|only| × rules) plus
 * the records.
 */
export async function runCycle(
  config: AlertConfig,
  records: ReadonlyMap<string, AlertRecord>,
  inputs: CycleInputs,
  now: number,
  only?: ReadonlySet<number>,
): Promise<{ next: Map<string, AlertRecord>; toRecord: ChangeToRecord[]; delivered: number }> {
  const holding = new Map<string, Condition>();
  // From the records: a firing alert fires now, a resolved one last fired until it resolved.
  const lastFiringAt = (fp: string): number | null => {
    const r = records.get(fp);
    if (!r) return null;
    return r.state === 'firing' ? now : r.changedAt;
  };
  for (const rule of config.rules) {
    const ctx: EvaluationContext = {
      now,
      counting: { noDataPolicy: inputs.noDataPolicyOf(rule.tenantName), staleAfterMs: inputs.staleAfterMs },
      ingestUnavailableSince: inputs.ingestUnavailableSince,
      ingestBackAt: inputs.ingestBackAt,
      graceMs: inputs.graceMs,
      lastFiringAt,
    };
    const exclusionsOf =
      rule.kind === 'burn_rate' ? exclusionsOfTenant(inputs.windows, rule.tenantName, now) : undefined;
    if (exclusionsOf) ctx.exclusionsOf = exclusionsOf;
    const entities = only
      ? chosenEntities(inputs.view, inputs.book, only)
      : tenantEntities(inputs.view, inputs.book, rule.tenantName);
    // In slices, yielding to the event loop between them, so ingest requests are served while a
    // large view is walked (one unbroken walk of 100,000 entities blocks the pod for most of a second).
    for (const slice = { done: false }; !slice.done; await yieldToLoop())
      evaluateRule(rule, take(entities, SLICE, slice), ctx, holding);
  }
  const advanced = only ? advanceOnly(records, holding, now, only) : advance(records, holding, now);
  const occurrences = activeOccurrences(inputs.windows, now);
  const told = announce(advanced.next, advanced.changes, config.silences, occurrences, now, holding);
  const channelsOf = rulesByName(config.rules);
  const toRecord: ChangeToRecord[] = [];
  const sent = new Map(told.deliver.map((c) => [`${c.fingerprint}#${c.sequence}`, c]));
  // This cycle's changes first (delivered or suppressed, in advance's order), then re-announcements.
  for (const change of advanced.changes) {
    const key = `${change.fingerprint}#${change.sequence}`;
    const delivered = sent.get(key);
    toRecord.push({ change: delivered ?? change, channels: delivered ? channelsOf(change) : [] });
    sent.delete(key);
  }
  for (const change of sent.values()) toRecord.push({ change, channels: channelsOf(change) });
  return { next: told.next, toRecord, delivered: told.deliver.length };
}

/** `advance` over the records of the entities in `only`; the other records carried over unchanged. */
function advanceOnly(
  records: ReadonlyMap<string, AlertRecord>,
  holding: ReadonlyMap<string, Condition>,
  now: number,
  only: ReadonlySet<number>,
): ReturnType<typeof advance> {
  const theirs = new Map<string, AlertRecord>();
  for (const [fp, r] of records) if (r.entity && only.has(r.entity.id)) theirs.set(fp, r);
  const step = advance(theirs, holding, now);
  const next = new Map(records);
  for (const [fp, r] of step.next) next.set(fp, r);
  return { next, changes: step.changes };
}

/** Entities evaluated between two yields to the event loop (about 5 ms of one rule's walk). */
const SLICE = 2_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The next `n` items of `it`; sets `state.done` when `it` ran out. */
function* take<T>(it: Iterator<T>, n: number, state: { done: boolean }): Generator<T> {
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done) {
      state.done = true;
      return;
    }
    yield r.value;
  }
}

/** A change's rule's channels (rule names are unique per tenant); none when the rule is gone. */
function rulesByName(rules: readonly AlertRule[]) {
  const byKey = new Map(rules.map((r) => [`${r.tenantName}\u001f${r.name}`, r.channels]));
  return (c: { tenantName: string; ruleName: string }): readonly string[] =>
    byKey.get(`${c.tenantName}\u001f${c.ruleName}`) ?? [];
}
