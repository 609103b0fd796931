import {
  type ConfigPlan,
  type CurrentState,
  type DesiredState,
  type KindPlan,
  OBJECT_KINDS,
  type Spec,
} from './model.js';

/**
 * JSON with object keys sorted and `undefined` dropped, so two specs compare equal exactly when
 * they mean the same. Hand-written (a few lines): the report canonicaliser lives in a peer folder.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Spec)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * What applying `desired` to `current` changes, per kind: `create` what the file declares and
 * nothing stored has the key of; `update` a stored object (managed or not: the file adopts it)
 * whose spec differs; `delete` a managed object the file no longer declares. Objects created
 * through the API (not managed) are never deleted. Pure; each list is ordered by key.
 */
export function planChanges(desired: DesiredState, current: CurrentState): ConfigPlan {
  const plan = {} as ConfigPlan;
  for (const kind of OBJECT_KINDS) {
    const stored = new Map(current[kind].map((c) => [c.key, c]));
    const wanted = new Set(desired[kind].map((d) => d.key));
    const k: KindPlan = { create: [], update: [], delete: [] };
    for (const d of [...desired[kind]].sort(byKey)) {
      const c = stored.get(d.key);
      if (!c) k.create.push(d);
      else if (canonicalJson(c.spec) !== canonicalJson(d.spec)) k.update.push({ desired: d, current: c });
    }
    k.delete = current[kind].filter((c) => c.managed && !wanted.has(c.key)).sort(byKey);
    plan[kind] = k;
  }
  return plan;
}

/** Whether the plan changes nothing. */
export const isEmptyPlan = (p: ConfigPlan): boolean =>
  OBJECT_KINDS.every((k) => p[k].create.length + p[k].update.length + p[k].delete.length === 0);

/** A plan as the API answers it: keys and specs only (specs never hold a secret's value). */
export function planSummary(p: ConfigPlan) {
  return Object.fromEntries(
    OBJECT_KINDS.map((k) => [
      k,
      {
        create: p[k].create.map((d) => ({ key: d.key, after: d.spec })),
        update: p[k].update.map((u) => ({ key: u.desired.key, before: u.current.spec, after: u.desired.spec })),
        delete: p[k].delete.map((c) => ({ key: c.key, before: c.spec })),
      },
    ]),
  ) as Record<(typeof OBJECT_KINDS)[number], PlanSummaryKind>;
}

/** One kind's share of a plan summary. */
export type PlanSummaryKind = {
  create: { key: string; after: Spec }[];
  update: { key: string; before: Spec; after: Spec }[];
  delete: { key: string; before: Spec }[];
};
