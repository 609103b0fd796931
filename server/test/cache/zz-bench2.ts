import { Redis } from 'ioredis';
import { encodeEntity } from '../../src/cache/codec.js';
import { encodeRows } from '../../src/cache/redis-scripts.js';
import { startRedisServer } from '../support/redis-server.js';
import { entity } from './store.contract.js';

const own = await startRedisServer();
const redis = new Redis(own.url);
const n = 200_000;
const rows = Array.from({ length: n }, (_, i) =>
  entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }),
);
const pairs: string[][] = [];
const layouts: string[][] = [];
for (let i = 0; i < n; i += 1000) {
  const a: string[] = [];
  for (const e of rows.slice(i, i + 1000)) a.push(String(e.id), encodeEntity(e));
  pairs.push(a);
  layouts.push(encodeRows(rows.slice(i, i + 1000)));
}
const stat = async (cmd: string) => {
  const s = await redis.info('commandstats');
  await redis.config('RESETSTAT');
  return Number(new RegExp(`cmdstat_${cmd}:calls=\\d+,usec=(\\d+)`).exec(s)?.[1] ?? 0) / 1000;
};
const V1 = `return redis.call('HSET', KEYS[1], unpack(ARGV))`;
const V2 = `local ids = {} for i = 1, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local st = redis.call('HMGET', KEYS[1], unpack(ids))
for i = 1, #st do if st[i] then return -1 end end
return redis.call('HSET', KEYS[1], unpack(ARGV))`;
const shas = { V1: await redis.script('LOAD', V1), V2: await redis.script('LOAD', V2) } as Record<string, string>;
const best: Record<string, number> = {};
const note = (k: string, v: number) => { best[k] = Math.min(best[k] ?? Infinity, v); };
const { RedisStore } = await import('../../src/cache/redis-store.js');
for (let round = 0; round < 4; round++) {
  await redis.flushall(); await stat('x');
  for (const a of pairs) await redis.hset('k', ...a);
  note('plain HSET', await stat('hset'));
  for (const v of ['V1', 'V2']) {
    await redis.flushall(); await stat('x');
    for (const a of pairs) await redis.evalsha(shas[v] as string, 1, 'k', ...a);
    note(v, await stat('evalsha'));
  }
  await redis.flushall();
  const store = new RedisStore(redis, 'b:');
  await store.beginGeneration(1, 0);
  await stat('x');
  for (let i = 0; i < n; i += 10_000) await store.writeSnapshot(1, rows.slice(i, i + 10_000));
  note('store', (await stat('evalsha')));
}
for (const [k, v] of Object.entries(best)) console.log(`${k.padEnd(12)} ${v.toFixed(0)} ms redis for ${n}`);
redis.disconnect();
await own.close();
