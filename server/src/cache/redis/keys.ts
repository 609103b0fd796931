/**
 * Redis key layout of the cache. Every key a script touches together carries the hash tag
 * `{cache}`, so a Redis Cluster keeps them in one slot. Pub/sub channels are not keys and
 * carry no tag.
 */
export const DEFAULT_KEY_PREFIX = 'sla:';

export type CacheKeys = {
  prefix: string;
  /** Common start of every hash-tagged key; scripts derive generation keys from it. */
  base: string;
  current: string;
  lock: string;
  fence: string;
  meta(generation: number): string;
  entities(generation: number): string;
  teams(generation: number): string;
  /** Runs applied to a generation while it is built; merged into its entities at the switch. */
  overlay(generation: number): string;
  refreshChannel: string;
  changesChannel: string;
};

/**
 * Every key and channel name of the cache under `prefix` (default `sla:`): hash-tagged keys
 * as `<prefix>{cache}:<name>[:<generation>]`, channels as `<prefix>refresh` and `<prefix>changes`.
 */
export function cacheKeys(prefix: string = DEFAULT_KEY_PREFIX): CacheKeys {
  const base = `${prefix}{cache}:`;
  return {
    prefix,
    base,
    current: `${base}current`,
    lock: `${base}lock`,
    fence: `${base}fence`,
    meta: (generation) => `${base}meta:${generation}`,
    entities: (generation) => `${base}entities:${generation}`,
    teams: (generation) => `${base}teams:${generation}`,
    overlay: (generation) => `${base}overlay:${generation}`,
    refreshChannel: refreshChannel(prefix),
    changesChannel: changesChannel(prefix),
  };
}

/** Channel announcing a finished full refresh. */
export const refreshChannel = (prefix: string = DEFAULT_KEY_PREFIX): string => `${prefix}refresh`;

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
