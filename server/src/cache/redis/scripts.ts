import { Cluster } from 'ioredis';
import type { RedisClient } from './client.js';
import { loadScript } from './lua-source.js';

type ScriptArg = string | number;

/** Runs a script with its KEYS and its ARGV; resolves to the script's reply. */
export type Script = (keys: readonly ScriptArg[], argv: readonly ScriptArg[]) => Promise<unknown>;

/**
 * The one loader of the Lua scripts in lua/ (see lua-source.ts): registers each named
 * script on the client as the command `sla_<name>`, which ioredis runs with EVALSHA,
 * falling back to EVAL once per connection. Used by the Redis store and the refresh lock.
 * A call whose KEYS do not match the count the script's header declares (at least that
 * count for a header stating `KEYS[...]`) throws an Error before anything is sent.
 */
export function defineScripts<const N extends string>(redis: RedisClient, names: readonly N[]): Record<N, Script> {
  const scripts: Partial<Record<N, Script>> = {};
  for (const name of names) {
    const { numberOfKeys, variadicKeys, lua } = loadScript(name);
    const command = `sla_${name}`;
    // Without numberOfKeys ioredis takes the key count as the call's first argument.
    redis.defineCommand(command, variadicKeys ? { lua } : { numberOfKeys, lua });
    // A cluster's auto-pipelining groups a command by the slot of its first argument, which
    // for such a call is the key count, not a key: the group would mix slots and ioredis
    // fails the whole pipeline ("All keys in the pipeline should belong to the same slots
    // allocation group"). Sent on their own, they are routed by their declared keys.
    const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
    if (variadicKeys && redis instanceof Cluster && !ignored.includes(command))
      redis.options.autoPipeliningIgnoredCommands = [...ignored, command]; // a copy: the default array is shared
    const fn: unknown = Reflect.get(redis, command);
    if (typeof fn !== 'function') throw new Error(`ioredis did not define ${command}`);
    scripts[name] = (keys, argv) => {
      const wrong = variadicKeys ? keys.length < numberOfKeys : keys.length !== numberOfKeys;
      if (wrong) {
        const takes = variadicKeys ? `at least ${numberOfKeys}` : String(numberOfKeys);
        return Promise.reject(new Error(`${name}.lua takes ${takes} keys, was given ${keys.length}`));
      }
      // ioredis flattens the ARGV array: a run's rows can exceed what a spread call takes.
      const head = variadicKeys ? [keys.length, ...keys] : keys;
      return Promise.resolve(fn.call(redis, ...head, argv) as unknown);
    };
  }
  return scripts as Record<N, Script>;
}
