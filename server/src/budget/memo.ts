/**
 * Answers reused while what they depend on is unchanged (the `version` string: book, view
 * and policy versions and the second of the clock, see queries.ts `versionOf`), one per
 * name and owner, so 100 dashboard reads in one second cost one computation. Like
 * readmodel/memo.ts, aligned to the whole second so the hot read path's per-second bytes
 * never show an answer more than a second old.
 */
const cache = new WeakMap<object, Map<string, { version: string; value: unknown }>>();

/** `compute()`, or the value computed last under the same `owner`, `name` and `version`. */
export function memoised<T>(owner: object, name: string, version: string, compute: () => T): T {
  let byName = cache.get(owner);
  if (!byName) {
    byName = new Map();
    cache.set(owner, byName);
  }
  const hit = byName.get(name);
  if (hit && hit.version === version) return hit.value as T;
  const value = compute();
  byName.set(name, { version, value });
  return value;
}
