import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { RedisRefreshLock } from '../../../src/cache/lock/redis-lock.js';
import { cacheKeys } from '../../../src/cache/redis/keys.js';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { uniquePrefix } from '../../support/ids.js';
import { connect } from './redis-helpers.js';
import { buildGeneration, entity, metaFor } from './store.contract.js';

/** Commands that name no key, or whose arguments are not keys. */
const KEYLESS = new Set(['ping', 'info', 'config', 'client', 'select', 'scan', 'script', 'monitor', 'hello', 'auth']);

/** A command as MONITOR reports it: lower-case name first; `fromScript` when a Lua script ran it. */
type Recorded = string[] & { fromScript?: boolean };

/** Every command run while `work` runs, as MONITOR reports it (a script's commands follow its EVALSHA). */
async function recordCommands(url: string, work: () => Promise<void>): Promise<Recorded[]> {
  const watcher: Redis = await connect(url, 'monitor');
  const monitor = await watcher.monitor();
  const seen: Recorded[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command: Recorded = [String(args[0]).toLowerCase(), ...args.slice(1).map(String)];
    command.fromScript = source === 'lua';
    seen.push(command);
  });
  try {
    await work();
    // MONITOR lags the commands slightly: a last PING marks the end.
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
  return seen;
}

/** The keys of a recorded command, for the commands this store sends. */
function keysOf(command: string[]): string[] {
  const [name, ...args] = command;
  if (name === 'evalsha' || name === 'eval') return args.slice(2, 2 + Number(args[1]));
  if (name === undefined || KEYLESS.has(name)) return [];
  if (name === 'unlink' || name === 'del' || name === 'exists') return args;
  return args.slice(0, 1);
}

describe('a generation on Redis Cluster', () => {
  let server: TestRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('spreads its entity buckets over many slots, and no command or script spans two slots', async () => {
    const prefix = uniquePrefix('slots');
    const redis = await connect(server.url);
    const store = new RedisStore(redis, prefix);
    const lock = new RedisRefreshLock(redis, prefix, 'pod-a');
    const k = cacheKeys(prefix);
    try {
      const commands = await recordCommands(server.url, async () => {
        await buildGeneration(
          store,
          1,
          Array.from({ length: 12_800 }, (_, i) => entity(i + 1)),
          0,
        );
        const held = await lock.acquire(10_000);
        if (!held) throw new Error('lock not acquired');
        const next = 2;
        await store.beginGeneration(next, 0);
        await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(5, { version: 2 })] }, next);
        await store.writeSnapshot(
          next,
          Array.from({ length: 12_800 }, (_, i) => entity(i + 1)),
        );
        expect(await store.switchGeneration(metaFor(next, 1), held.token)).toBe('switched');
        await store.applyChanges({ fromId: 2, toId: 2, entities: [entity(7, { version: 3 })] });
        expect(await store.getEntity(5)).toEqual(entity(5, { version: 2 }));
        let scanned = 0;
        await store.scan((batch) => {
          scanned += batch.length;
        });
        expect(scanned).toBe(12_800);
        expect(await store.counts()).toEqual({ entities: 12_800, teams: 1 });
        await lock.release(held.token);
      });

      // Keys: 101 buckets of 128 ids, each under its own hash tag; the rest under {cache}.
      const keys = await redis.keys(`${prefix}*`);
      const buckets = keys.filter((key) => key.startsWith(`${prefix}{b`));
      expect(buckets).toHaveLength(Math.ceil(12_801 / 128));
      const bucketSlots = new Set(buckets.map((key) => calculateSlot(key)));
      expect(bucketSlots.size).toBeGreaterThan(80);
      const cacheSlot = calculateSlot(k.current);
      for (const key of keys.filter((key) => !buckets.includes(key))) expect(calculateSlot(key), key).toBe(cacheSlot);

      // Every command the store sent names keys of one slot only.
      const sent = commands.filter((command) => !command.fromScript);
      const scripts = sent.filter(([name]) => name === 'evalsha' || name === 'eval');
      expect(scripts.length).toBeGreaterThan(2 * buckets.length);
      let multiKey = 0;
      for (const command of sent) {
        const names = keysOf(command);
        if (names.length > 1) multiKey++;
        expect(new Set(names.map((key) => calculateSlot(key))).size, command.slice(0, 4).join(' ')).toBeLessThanOrEqual(
          1,
        );
      }
      expect(multiKey).toBeGreaterThan(0); // the lock and switch scripts take two {cache} keys

      // Every key a script touched was declared in its KEYS: a cluster node routes and checks
      // a script by them, and refuses (not retried) a derived key during a slot migration.
      let declared: string[] = [];
      let touched = 0;
      for (const command of commands) {
        if (!command.fromScript) {
          declared = keysOf(command);
          continue;
        }
        for (const key of keysOf(command)) {
          touched++;
          expect(declared, `${command.slice(0, 2).join(' ')} inside a script`).toContain(key);
        }
      }
      expect(touched).toBeGreaterThan(scripts.length);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
