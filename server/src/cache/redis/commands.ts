import type { RedisClient } from './client.js';
import { defineScripts, type Script } from './scripts.js';

/**
 * The Redis store's scripts, one Lua file each in lua/. The `{cache}` generation scripts get
 * KEYS[1] = the current-generation pointer, then their own keys, then every generation key
 * they may touch, with ARGV[1] = the pointer expected and ARGV[2] = the layout version
 * (run through generation-scripts.ts);
 * `bucketWrite` gets one bucket key and nothing else, so on a cluster it runs in that
 * bucket's slot. A write is prepare (nonces, dictionary ids) → bucketWrite per bucket →
 * finish (bucket set, counts, watermark).
 */
const CACHE_SCRIPTS = ['prepare', 'bucketWrite', 'finish', 'intern', 'open', 'begin', 'switch', 'meta'] as const;

export type CacheScripts = Record<(typeof CACHE_SCRIPTS)[number], Script>;

/** Registers the store's scripts on a client (see defineScripts). */
export function defineCacheScripts(redis: RedisClient): CacheScripts {
  return defineScripts(redis, CACHE_SCRIPTS);
}
