/**
 * Redis key layout of the cache (layout version LAYOUT_VERSION, store/packed.ts). The
 * coordination keys (pointer, lock, fence, dictionary, each generation's meta, teams and
 * bucket set) carry the hash tag `{cache}`, so the scripts that touch them together run in
 * one Redis Cluster slot; a script is given every key it touches (generation-scripts.ts). The entities live in buckets of BUCKET_SIZE ids, each bucket
 * under its own hash tag `{b<n>}`, so a cluster spreads them over its slots; a script on a
 * bucket touches that bucket only. Pub/sub channels are not keys and carry no tag.
 */
export const DEFAULT_KEY_PREFIX = 'sla:';

export type CacheKeys = {
  prefix: string;
  current: string;
  lock: string;
  fence: string;
  /** Interned tenant, team and type names (see lua/intern.lua). */
  dict: string;
  meta(generation: number | string): string;
  teams(generation: number | string): string;
  /** The bucket numbers a generation has written (a set): what a scan and a drop visit. */
  buckets(generation: number | string): string;
  /** One bucket of a generation: entity id → packed entity. */
  bucket(n: number, generation: number | string, nonce: string): string;
  refreshChannel: string;
  changesChannel: string;
};

/**
 * Every key and channel name of the cache under `prefix` (default `sla:`): coordination keys
 * as `<prefix>{cache}:<name>[:<generation>]`, buckets as `<prefix>{b<n>}:<generation>:<nonce>`, channels as `<prefix>refresh` and `<prefix>changes`.
 */
export function cacheKeys(prefix: string = DEFAULT_KEY_PREFIX): CacheKeys {
  const base = `${prefix}{cache}:`;
  return {
    prefix,
    // Names unlike those of layout 1 (`current`, `meta:<g>`, ...), so pods of both layouts
    // can share one Redis during a rollout without reading or deleting each other's keys.
    current: `${base}gen`,
    lock: `${base}lock`,
    fence: `${base}fence`,
    dict: `${base}dict`,
    meta: (generation) => `${base}m:${generation}`,
    teams: (generation) => `${base}t:${generation}`,
    buckets: (generation) => `${base}b:${generation}`,
    bucket: (n, generation, nonce) => `${prefix}{b${n}}:${generation}:${nonce}`,
    refreshChannel: refreshChannel(prefix),
    changesChannel: changesChannel(prefix),
  };
}

/** Channel announcing a finished full refresh. */
export const refreshChannel = (prefix: string = DEFAULT_KEY_PREFIX): string => `${prefix}refresh`;

/** Channel announcing a change of maintenance windows or tenant settings (policy/store.ts re-reads them). */
export const policyChannel = (prefix: string = DEFAULT_KEY_PREFIX): string => `${prefix}policy`;

/** Channel carrying each accepted update. */
export const changesChannel = (prefix: string = DEFAULT_KEY_PREFIX): string => `${prefix}changes`;

/** A SCAN MATCH pattern for every key starting with `prefix` (glob characters escaped). */
export const prefixPattern = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;

/**
 * The fleet registry (heartbeat.ts): one key per pod, `<prefix>{fleet}:pod:<id>` (expiring
 * after 3 heartbeat intervals), and the set of pod ids `<prefix>{fleet}:pods`. Its own hash
 * tag: no script touches it together with the cache's keys.
 */
export const fleetKeys = (prefix: string = DEFAULT_KEY_PREFIX) => ({
  pods: `${prefix}{fleet}:pods`,
  pod: (id: string) => `${prefix}{fleet}:pod:${id}`,
});

/**
 * The change tail of one log epoch: a stream and its meta hash, both under the hash tag
 * `{tail}` (its own slot on a cluster; a script touches them together).
 */
export const tailKeys = (prefix: string, epoch: string): { stream: string; meta: string; refill: string } => ({
  stream: `${prefix}{tail}:changes:${epoch}`,
  meta: `${prefix}{tail}:meta:${epoch}`,
  /** Held by the one pod refilling the tail from the log. */
  refill: `${prefix}{tail}:refill:${epoch}`,
});

/**
 * The budget state's checkpoint (budget/checkpoint.ts): its meta hash (epoch, watermark,
 * nonce, chunk count) and the writer's lease under `{budget}`, and the chunks as plain
 * strings `<prefix>budget:<epoch>:<nonce>:<i>` without a hash tag, so a cluster spreads
 * them over its slots (each is read and written on its own).
 */
export const budgetKeys = (prefix: string = DEFAULT_KEY_PREFIX) => ({
  meta: `${prefix}{budget}:meta`,
  writer: `${prefix}{budget}:writer`,
  chunk: (epoch: string, nonce: string, i: number) => `${prefix}budget:${epoch}:${nonce}:${i}`,
});
