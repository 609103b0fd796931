import type { Redis } from 'ioredis';
import { defineScripts, type Script } from './scripts.js';

/**
 * The Redis store's scripts, one Lua file each in lua/. The `{cache}` scripts get KEYS[1] =
 * the current-generation pointer, ARGV[1] = the key base and ARGV[2] = the layout version;
 * `bucketWrite` gets one bucket key and nothing else, so on a cluster it runs in that
 * bucket's slot. A write is prepare (nonces, dictionary ids) → bucketWrite per bucket →
 * finish (bucket set, counts, watermark).
 */
const CACHE_SCRIPTS = [
  'prepare',
  'bucketWrite',
  'finish',
  'intern',
  'open',
  'begin',
  'switch',
  'meta',
  'teams',
  'counts',
] as const;

export type CacheScripts = Record<(typeof CACHE_SCRIPTS)[number], Script>;

/** Registers the store's scripts on a client (see defineScripts). */
export function defineCacheScripts(redis: Redis): CacheScripts {
  return defineScripts(redis, CACHE_SCRIPTS);
}
