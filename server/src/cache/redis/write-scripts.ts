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
export const PRELUDE = `
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

/** ARGV: base, generation. 1 when the generation is open for building. */
const OPEN = `${PRELUDE}
if isOpen(ARGV[2]) then return 1 end
return 0
`;

/** ARGV: base, generation, starting watermark. Returns 0 when not newer than current. */
const BEGIN = `${PRELUDE}
local g = ARGV[2]
if cur and tonumber(g) <= tonumber(cur) then return 0 end
drop(g)
redis.call('HSET', gkey('meta', g), 'generation', g, 'appliedChangeId', ARGV[3], 'entityCount', 0, 'teamCount', 0)
return 1
`;

/** Scripts that write, as [number of keys, Lua source]. */
export const WRITE_SCRIPTS = {
  apply: [1, APPLY],
  open: [1, OPEN],
  snapshotEnd: [1, SNAPSHOT_END],
  begin: [1, BEGIN],
} as const satisfies Record<string, readonly [number, string]>;
