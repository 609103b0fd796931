import type { Redis } from 'ioredis';
import { encodeEntity } from './codec.js';
import { teamField } from './keys.js';
import type { CachedEntity } from './types.js';

/**
 * Lua source of the Redis store. Every script gets KEYS[1] = the current-generation key
 * (so a cluster routes it to the `{cache}` slot) and ARGV[1] = the key base; generation
 * keys are derived from the base because the generation is only known inside the script.
 *
 * A generation being built has two hashes: `entities` takes the snapshot as plain HSETs
 * (the fast path of a refresh) and `overlay` takes the runs applied meanwhile. The switch
 * merges the overlay in, newest version winning, so snapshot rows and runs may arrive in
 * any order without an older snapshot row ever replacing a newer run.
 */
const PRELUDE = `
local base = ARGV[1]
local cur = redis.call('GET', KEYS[1])
local SLICE = 1000
local function gkey(kind, gen) return base .. kind .. ':' .. gen end
local function ver(s) return tonumber(string.match(s, '^%[(%d+)')) end
local function isOpen(gen)
  if cur and tonumber(gen) <= tonumber(cur) then return false end
  return redis.call('EXISTS', gkey('meta', gen)) == 1
end
local function drop(gen)
  redis.call('UNLINK', gkey('entities', gen), gkey('teams', gen), gkey('meta', gen), gkey('overlay', gen))
end
local function recount(gen)
  redis.call('HSET', gkey('meta', gen), 'entityCount', redis.call('HLEN', gkey('entities', gen)),
    'teamCount', redis.call('HLEN', gkey('teams', gen)))
end
`;

/**
 * Rows (the entities of a run) start at ARGV[first]: k; k team fields; k counts (how many
 * of the following rows are that team's, in order); the n ids; the n encoded entities.
 * Ids are one block so HMGET takes them straight from ARGV; HMGET/HSET go in slices
 * because Lua's unpack() stops at about 8,000 values. With `gen`, entities new to the
 * hash are counted into that generation's teams and meta.
 */
const APPLY_ROWS = `
local function applyRows(hash, first, gen)
  local k = tonumber(ARGV[first])
  local idAt = first + 1 + 2 * k
  local n = (#ARGV - idAt + 1) / 2
  local valAt = idAt + n
  local fresh = {}
  local t, left, added = 0, 0, 0
  for s = 0, n - 1, SLICE do
    local e = math.min(s + SLICE, n) - 1
    local stored = redis.call('HMGET', hash, unpack(ARGV, idAt + s, idAt + e))
    local writes, w = {}, 0
    for j = s, e do
      while left == 0 do
        t = t + 1
        left = tonumber(ARGV[first + k + t])
        fresh[t] = 0
      end
      left = left - 1
      local old = stored[j - s + 1]
      local val = ARGV[valAt + j]
      if not old then
        fresh[t] = fresh[t] + 1
        added = added + 1
      end
      if (not old) or ver(old) < ver(val) then
        writes[w + 1] = ARGV[idAt + j]
        writes[w + 2] = val
        w = w + 2
      end
    end
    if w > 0 then redis.call('HSET', hash, unpack(writes)) end
  end
  if gen and added > 0 then
    local tk = gkey('teams', gen)
    for i = 1, t do
      if fresh[i] > 0 then redis.call('HINCRBY', tk, ARGV[first + i], fresh[i]) end
    end
    recount(gen)
  end
end
local function advance(gen, fromId, toId, toIdText)
  local mk = gkey('meta', gen)
  local wm = tonumber(redis.call('HGET', mk, 'appliedChangeId') or '0')
  if fromId <= wm + 1 and toId > wm then
    redis.call('HSET', mk, 'appliedChangeId', toIdText)
    return toId
  end
  return wm
end
`;

/** ARGV: base, fromId, toId, building generation or '', rows from 5. */
const APPLY = `${PRELUDE}${APPLY_ROWS}
local fromId, toId = tonumber(ARGV[2]), tonumber(ARGV[3])
local result = 0
if cur then
  applyRows(gkey('entities', cur), 5, cur)
  result = advance(cur, fromId, toId, ARGV[3])
end
if ARGV[4] ~= '' and isOpen(ARGV[4]) then
  applyRows(gkey('overlay', ARGV[4]), 5, nil)
  advance(ARGV[4], fromId, toId, ARGV[3])
end
return result
`;

/**
 * Ends one writeSnapshot call, after its HSETs on the same connection. ARGV: base,
 * generation, k, k team fields, k counts. When the generation is not open (fenced or
 * switched out while the HSETs were in flight) it drops what they recreated and returns -1.
 */
const SNAPSHOT_END = `${PRELUDE}
local g = ARGV[2]
if not isOpen(g) then
  if g ~= cur then drop(g) end
  return -1
end
local k = tonumber(ARGV[3])
local tk = gkey('teams', g)
for i = 1, k do redis.call('HINCRBY', tk, ARGV[3 + i], ARGV[3 + k + i]) end
recount(g)
return 1
`;

/** ARGV: base, generation, starting watermark. Returns 0 when not newer than current. */
const BEGIN = `${PRELUDE}
local g = ARGV[2]
if cur and tonumber(g) <= tonumber(cur) then return 0 end
drop(g)
redis.call('HSET', gkey('meta', g), 'generation', g, 'appliedChangeId', ARGV[3], 'entityCount', 0, 'teamCount', 0)
return 1
`;

/** Folds a built generation's overlay into its entities, newest version winning. */
const MERGE = `
local function mergeOverlay(g)
  local ov = gkey('overlay', g)
  local flat = redis.call('HGETALL', ov)
  if #flat == 0 then return end
  local ek, tk = gkey('entities', g), gkey('teams', g)
  local pairs = #flat / 2
  for s = 0, pairs - 1, SLICE do
    local e = math.min(s + SLICE, pairs) - 1
    local ids = {}
    for j = s, e do ids[j - s + 1] = flat[2 * j + 1] end
    local stored = redis.call('HMGET', ek, unpack(ids))
    local writes, w = {}, 0
    for j = s, e do
      local old = stored[j - s + 1]
      local val = flat[2 * j + 2]
      if not old then
        local a = cjson.decode(val)
        redis.call('HINCRBY', tk, a[3] .. '\\31' .. a[4], 1)
      end
      if (not old) or ver(old) < ver(val) then
        writes[w + 1] = ids[j - s + 1]
        writes[w + 2] = val
        w = w + 2
      end
    end
    if w > 0 then redis.call('HSET', ek, unpack(writes)) end
  end
  redis.call('UNLINK', ov)
end
`;

/**
 * KEYS[2] = lock. ARGV: base, generation, appliedChangeId, builtAt, builtBy, durationMs,
 * '1' when a lock token is given, the token. Generations below the new one that never
 * became current belong to fenced or crashed refreshes, so they are dropped too (bounded,
 * as a counter reset could leave a huge gap).
 */
const SWITCH = `${PRELUDE}${MERGE}
local g = ARGV[2]
local gen = tonumber(g)
local curN = cur and tonumber(cur)
local function fenced()
  if gen ~= curN then drop(g) end
  return 'fenced'
end
if ARGV[7] == '1' and redis.call('GET', KEYS[2]) ~= ARGV[8] then return fenced() end
if curN and gen <= curN then return fenced() end
local mk = gkey('meta', g)
if redis.call('EXISTS', mk) == 0 then return fenced() end
local wm = ARGV[3]
local built = redis.call('HGET', mk, 'appliedChangeId')
if built and tonumber(built) > tonumber(wm) then wm = built end
if cur then
  local curWm = redis.call('HGET', gkey('meta', cur), 'appliedChangeId')
  if curWm and tonumber(curWm) > tonumber(wm) then return 'behind' end
end
mergeOverlay(g)
redis.call('HSET', mk, 'generation', g, 'appliedChangeId', wm, 'builtAt', ARGV[4], 'builtBy', ARGV[5],
  'durationMs', ARGV[6])
recount(g)
redis.call('SET', KEYS[1], g)
local from = curN or 1
if gen - from <= 1000 then
  for x = from, gen - 1 do drop(x) end
elseif cur then
  drop(cur)
end
return 'switched'
`;

const META = `${PRELUDE}
if not cur then return false end
return {cur, redis.call('HGETALL', gkey('meta', cur))}
`;

/** ARGV: base, id. */
const GET = `${PRELUDE}
if not cur then return false end
return redis.call('HGET', gkey('entities', cur), ARGV[2])
`;

/** One HSCAN page of a generation; ARGV: base, generation, cursor, count. False once it is not current. */
const PAGE = `${PRELUDE}
if cur ~= ARGV[2] then return false end
return redis.call('HSCAN', gkey('entities', cur), ARGV[3], 'COUNT', ARGV[4])
`;

const TEAMS = `${PRELUDE}
if not cur then return {} end
return redis.call('HKEYS', gkey('teams', cur))
`;

const COUNTS = `${PRELUDE}
if not cur then return {0, 0} end
return {redis.call('HLEN', gkey('entities', cur)), redis.call('HLEN', gkey('teams', cur))}
`;

const SOURCES = {
  apply: [1, APPLY],
  snapshotEnd: [1, SNAPSHOT_END],
  begin: [1, BEGIN],
  switch: [2, SWITCH],
  meta: [1, META],
  get: [1, GET],
  page: [1, PAGE],
  teams: [1, TEAMS],
  counts: [1, COUNTS],
} as const satisfies Record<string, readonly [number, string]>;

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

/** Entities grouped by team field, a repeated id keeping only its newest version. */
export function groupByTeam(entities: readonly CachedEntity[]): Map<string, CachedEntity[]> {
  const latest = new Map<number, CachedEntity>();
  for (const e of entities) {
    const seen = latest.get(e.id);
    if (seen === undefined || seen.version < e.version) latest.set(e.id, e);
  }
  const byTeam = new Map<string, CachedEntity[]>();
  for (const e of latest.values()) {
    const field = teamField(e.tenantName, e.teamName);
    const group = byTeam.get(field);
    if (group) group.push(e);
    else byTeam.set(field, [e]);
  }
  return byTeam;
}

/** The rows layout of APPLY_ROWS. */
export function encodeRows(entities: readonly CachedEntity[]): string[] {
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
