import { Redis } from 'ioredis';
import { encodeEntity } from '../../src/cache/codec.js';
import { startRedisServer } from '../support/redis-server.js';
import { entity } from './store.contract.js';

async function main() {
  const own = await startRedisServer();
  const redis = new Redis(own.url);
  const n = 200_000;
  const rows = Array.from({ length: n }, (_, i) => entity(i + 1, { teamName: `team-${i % 500}`, tenantName: `tenant-${i % 20}`, version: i + 1 }));
  const pairs: string[][] = [];
  for (let i = 0; i < n; i += 1000) {
    const a: string[] = [];
    for (const e of rows.slice(i, i + 1000)) a.push(String(e.id), encodeEntity(e));
    pairs.push(a);
  }
  const triples = pairs.map((p) => { const a: string[] = []; for (let i = 0; i < p.length; i += 2) a.push('1', p[i]!, p[i + 1]!); return a; });
  const usec = async () => {
    const s = await redis.info('commandstats');
    let total = 0;
    for (const m of s.matchAll(/cmdstat_(\w+):calls=\d+,usec=(\d+)/g)) if (m[1] !== 'info' && m[1] !== 'config') total += Number(m[2]);
    await redis.config('RESETSTAT');
    return total;
  };
  const G = `local ver = function(s) return tonumber(string.match(s, '^%[(%d+)')) end `;
  const variants: Record<string, [string, string[][]]> = {
    plain: ['', pairs],
    hsetDirect: [`return redis.call('HSET', KEYS[1], unpack(ARGV))`, pairs],
    guard3: [G + `local ids = {} for i = 1, #ARGV, 3 do ids[#ids+1] = ARGV[i+1] end local st = redis.call('HMGET', KEYS[1], unpack(ids)) local w = {} local c = 0 for j = 1, #ids do local old = st[j] local v = ARGV[3*j] if not old or ver(old) < ver(v) then w[c+1] = ids[j]; w[c+2] = v; c = c + 2 end end if c > 0 then redis.call('HSET', KEYS[1], unpack(w)) end return c`, triples],
    guard2: [G + `local ids = {} for i = 1, #ARGV, 2 do ids[#ids+1] = ARGV[i] end local st = redis.call('HMGET', KEYS[1], unpack(ids)) local w = {} local c = 0 for j = 1, #ids do local old = st[j] local v = ARGV[2*j] if not old or ver(old) < ver(v) then w[c+1] = ids[j]; w[c+2] = v; c = c + 2 end end if c > 0 then redis.call('HSET', KEYS[1], unpack(w)) end return c`, pairs],
  };
  for (let round = 0; round < 3; round++) {
    for (const [name, [lua, args]] of Object.entries(variants)) {
      await redis.del('k');
      const sha = lua ? ((await redis.script('LOAD', lua)) as string) : '';
      await usec();
      const t = performance.now();
      const ps: Promise<unknown>[] = [];
      for (const a of args) ps.push(lua ? redis.evalsha(sha, 1, 'k', ...a) : redis.hset('k', ...a));
      await Promise.all(ps);
      const wall = performance.now() - t;
      console.log(`${name.padEnd(12)} wall ${wall.toFixed(0)} ms  redis ${(await usec()) / 1000} ms`);
    }
  }
  redis.disconnect();
  await own.close();
}
await main();
