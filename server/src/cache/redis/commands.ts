import type { Redis } from 'ioredis';
import type { EntityState } from '../../domain/entity.js';
import { encodeEntity } from '../store/codec.js';
import { groupByTeam } from '../store/rows.js';
import { defineScripts, type Script } from './scripts.js';

/**
 * The Redis store's scripts, one Lua file each in lua/. Every one gets KEYS[1] = the
 * current-generation key (so a cluster routes it to the `{cache}` slot) and ARGV[1] = the
 * key base. A generation being built has two hashes: `entities` takes the snapshot as plain
 * HSETs (the fast path of a refresh) and `overlay` takes the runs applied meanwhile; the
 * switch merges the overlay in, newest version winning, so snapshot rows and runs may
 * arrive in any order without an older snapshot row ever replacing a newer run.
 */
const CACHE_SCRIPTS = [
  'apply',
  'open',
  'snapshotEnd',
  'begin',
  'switch',
  'meta',
  'get',
  'page',
  'teams',
  'counts',
] as const;

export type CacheScripts = Record<(typeof CACHE_SCRIPTS)[number], Script>;

/** Registers the store's scripts on a client (see defineScripts). */
export function defineCacheScripts(redis: Redis): CacheScripts {
  return defineScripts(redis, CACHE_SCRIPTS);
}

/** A run's entities as the rows of lua/includes/applyRows.lua: k; k team fields; k counts; ids; encoded entities. */
export function encodeRows(entities: readonly EntityState[]): string[] {
  const byTeam = groupByTeam(entities);
  const counts: string[] = [];
  const ids: string[] = [];
  const values: string[] = [];
  for (const group of byTeam.values()) {
    counts.push(String(group.length));
    for (const e of group) {
      ids.push(String(e.id));
      values.push(encodeEntity(e));
    }
  }
  return [String(byTeam.size), ...byTeam.keys()].concat(counts, ids, values);
}
