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
 * One evaluation cycle at `now`, pure but for reading the view and the book and for updating
 * `records` in place (read in slices, with the event loop served between them, so entities
 * changed meanwhile are read as they are then): every rule over its tenant's entities
 * (`evaluateRule`), `advance` on the complete set of holding conditions, then `announce` with the
 * silences and the maintenance occurrences active at `now`. Both decide per fingerprint, so they
 * run over slices of the fingerprints too, and the pod keeps answering requests while a cycle
 * walks 100,000 entities and their alerts (a serving pod's ingest holds its commit-order lock
 * across several round trips, each of which waits for the slice in progress).
 * With `only` (entity ids), an incremental cycle: every rule over those entities alone, and
 * `advance` over their records alone, found through an index by entity (an entity's conditions
 * depend on nothing but the entity, its timeline and `now`, so this is what a full cycle would
 * decide for them; the other records are not touched). Full cycles still run for what time
 * alone changes (stale, "for N minutes", burn rates decaying, windows and silences ending).
 * Returns `next` — `records` itself, updated (give a copy to keep the old state; a caller whose
 * write of the changes failed must read the records again) — and what to record, in order: every
 * state change (suppressed ones with no channel, so the alert's history and sequence stay
 * complete), each delivered one with its rule's channels. O(entities × rules) plus the records;
 * incremental: O(|only| × rules) plus their records.
 */
export async function runCycle(
  config: AlertConfig,
  records: Map<string, AlertRecord>,
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
    for (const slice = { done: false }; !slice.done; await yieldToLoop())
      evaluateRule(rule, timeSlice(entities, slice), ctx, holding);
  }
  const index = entityIndex(records);
  const fingerprints = only ? fingerprintsOf(index, only, holding) : allFingerprints(records, holding);
  const occurrences = activeOccurrences(inputs.windows, now);
  const channelsOf = rulesByName(config.rules);
  const toRecord: ChangeToRecord[] = [];
  let delivered = 0;
  for (const slice = { done: false }; !slice.done; await yieldToLoop()) {
    const mine = new Map<string, AlertRecord>();
    const theirHolding = new Map<string, Condition>();
    for (const fp of timeSlice(fingerprints, slice)) {
      const r = records.get(fp);
      if (r) mine.set(fp, r);
      const c = holding.get(fp);
      if (c) theirHolding.set(fp, c);
    }
    const advanced = advance(mine, theirHolding, now);
    const told = announce(advanced.next, advanced.changes, config.silences, occurrences, now, theirHolding);
    for (const [fp, r] of told.next) {
      if (!records.has(fp) && r.entity) addToIndex(index, r.entity.id, fp);
      records.set(fp, r);
    }
    delivered += told.deliver.length;
    const sent = new Map(told.deliver.map((c) => [`${c.fingerprint}#${c.sequence}`, c]));
    // This slice's changes first (delivered or suppressed, in advance's order), then re-announcements.
    for (const change of advanced.changes) {
      const key = `${change.fingerprint}#${change.sequence}`;
      const sentChange = sent.get(key);
      toRecord.push({ change: sentChange ?? change, channels: sentChange ? channelsOf(change) : [] });
      sent.delete(key);
    }
    for (const change of sent.values()) toRecord.push({ change, channels: channelsOf(change) });
  }
  return { next: records, toRecord, delivered };
}

/** Fingerprints of the records of each entity, kept beside a records map (built on first use, grown as alerts appear). */
const indexes = new WeakMap<Map<string, AlertRecord>, Map<number, string[]>>();

function entityIndex(records: Map<string, AlertRecord>): Map<number, string[]> {
  let index = indexes.get(records);
  if (!index) {
    index = new Map();
    for (const [fp, r] of records) if (r.entity) addToIndex(index, r.entity.id, fp);
    indexes.set(records, index);
  }
  return index;
}

function addToIndex(index: Map<number, string[]>, entityId: number, fp: string): void {
  const fps = index.get(entityId);
  if (fps) fps.push(fp);
  else index.set(entityId, [fp]);
}

/** The fingerprints an incremental cycle steps: the records of the entities in `only` and what holds for them. */
function fingerprintsOf(
  index: ReadonlyMap<number, readonly string[]>,
  only: ReadonlySet<number>,
  holding: ReadonlyMap<string, Condition>,
): Iterator<string> {
  const fps = new Set<string>();
  for (const id of only) for (const fp of index.get(id) ?? []) fps.add(fp);
  for (const fp of holding.keys()) fps.add(fp);
  return fps.values();
}

/** Every fingerprint a full cycle steps: every record's and every holding condition's. */
function allFingerprints(records: ReadonlyMap<string, AlertRecord>, holding: ReadonlyMap<string, Condition>) {
  const known = [...records.keys()];
  for (const fp of holding.keys()) if (!records.has(fp)) known.push(fp);
  return known.values();
}

/**
 * About how long one slice of a cycle runs before the event loop is served (ms): an ingest
 * request's few round trips under its commit-order lock each wait at most this long.
 */
const SLICE_MS = 0.5;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Items of `it` for about `SLICE_MS` (the clock is read every 64 items); sets `state.done` when `it` ran out. */
function* timeSlice<T>(it: Iterator<T>, state: { done: boolean }): Generator<T> {
  const until = performance.now() + SLICE_MS;
  for (let i = 1; ; i++) {
    const r = it.next();
    if (r.done) {
      state.done = true;
      return;
    }
    yield r.value;
    if ((i & 63) === 0 && performance.now() >= until) return;
  }
}

/** A change's rule's channels (rule names are unique per tenant); none when the rule is gone. */
function rulesByName(rules: readonly AlertRule[]) {
  const byKey = new Map(rules.map((r) => [`${r.tenantName}\u001f${r.name}`, r.channels]));
  return (c: { tenantName: string; ruleName: string }): readonly string[] =>
    byKey.get(`${c.tenantName}\u001f${c.ruleName}`) ?? [];
}
