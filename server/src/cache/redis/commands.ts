import type { Redis } from 'ioredis';
import type { EntityState } from '../../domain/entity.js';
import { encodeEntity } from '../store/codec.js';
import { groupByTeam } from '../store/rows.js';
import { READ_SCRIPTS } from './read-scripts.js';
import { SWITCH_SCRIPT } from './switch-script.js';
import { WRITE_SCRIPTS } from './write-scripts.js';

const SOURCES = { ...WRITE_SCRIPTS, switch: SWITCH_SCRIPT, ...READ_SCRIPTS };

export type ScriptName = keyof typeof SOURCES;
export type ScriptArg = string | number;
export type CacheScripts = Record<ScriptName, (keys: string[], argv: ScriptArg[]) => Promise<unknown>>;

/** Registers the scripts on a client (EVALSHA, falling back to EVAL once per connection). */
export function defineCacheScripts(redis: Redis): CacheScripts {
  const scripts: Partial<CacheScripts> = {};
  for (const name of Object.keys(SOURCES) as ScriptName[]) {
    const [numberOfKeys, lua] = SOURCES[name];
    const command = `slaCache_${name}`;
    redis.defineCommand(command, { numberOfKeys, lua });
    const fn: unknown = Reflect.get(redis, command);
    if (typeof fn !== 'function') throw new Error(`ioredis did not define ${command}`);
    scripts[name] = (keys, argv) => Promise.resolve(fn.call(redis, ...keys, argv) as unknown);
  }
  return scripts as CacheScripts;
}

/** The rows layout of APPLY_ROWS. */
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
