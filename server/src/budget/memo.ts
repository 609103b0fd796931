/**
 * Answers reused while what they depend on is unchanged, one per name and owner, so 100
 * dashboard reads in one second cost one computation. The key is `exact` (book, view and
 * policy versions and the second of the clock, or a fixed `at`; see queries.ts
 * `versionOf`): like readmodel/memo.ts, aligned to the whole second. One exception keeps a
 * pod responsive when a computation is itself long (a rollup over 100,000 entities on a
 * busy machine): an answer of the same `stable` key (the policy version, the fixed `at`)
 * is reused for twice as long as it took to compute, so recomputing never takes more than
 * about a third of the CPU; `age` says how old the answer served is.
 */
type Entry = { exact: string; stable: string; at: number; costMs: number; value: unknown };

const cache = new WeakMap<object, Map<string, Entry>>();

/** `compute()`, or the value computed last under the same owner and name when still valid (see above). */
export function memoised<T>(
  owner: object,
  name: string,
  key: { exact: string; stable: string },
  compute: () => T,
  now: () => number = Date.now,
): T {
  let byName = cache.get(owner);
  if (!byName) {
    byName = new Map();
    cache.set(owner, byName);
  }
  const hit = byName.get(name);
  const t = now();
  if (hit && (hit.exact === key.exact || (hit.stable === key.stable && t - hit.at < 2 * hit.costMs)))
    return hit.value as T;
  const value = compute();
  byName.set(name, { exact: key.exact, stable: key.stable, at: t, costMs: now() - t, value });
  return value;
}
