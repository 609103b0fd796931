--[[
  Last step of a write, after the bucket writes: records the buckets written, counts the
  entities new to the generation into its teams and meta, and (for a run) advances the
  watermark.

  Input:
    KEYS[1] current-generation pointer
    KEYS[...] meta, teams and bucket-set keys of the current generation and the one written

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] the generation written
    ARGV[4] its nonce (as prepare.lua or open.lua gave it)
    ARGV[5] fromId, the run's first change id, or '' (snapshot rows)
    ARGV[6] toId, the run's last change id, or ''
    ARGV[7] k, the number of teams with new entities
    ARGV[8] b, the number of buckets written
    ARGV[9...] k team fields, k counts, b bucket numbers

  Output:
    the generation's watermark afterwards; -1 when the generation is gone (neither current
    nor open with this nonce: the client unlinks the buckets it wrote)
]]
--- @include "prelude"
local g = ARGV[3]
local mk = gkey('m', g)
if not (g == cur or isOpen(g)) or redis.call('HGET', mk, 'nonce') ~= ARGV[4] then return -1 end
local k, b = tonumber(ARGV[7]), tonumber(ARGV[8])
local at = 9
if b > 0 then redis.call('SADD', gkey('b', g), unpack(ARGV, at + 2 * k, at + 2 * k + b - 1)) end
if k > 0 then
  local tk = gkey('t', g)
  local added = 0
  for i = 0, k - 1 do
    local c = tonumber(ARGV[at + k + i])
    redis.call('HINCRBY', tk, ARGV[at + i], c)
    added = added + c
  end
  redis.call('HINCRBY', mk, 'entityCount', added)
  recount(g)
end
local wm = tonumber(redis.call('HGET', mk, 'appliedChangeId') or '0')
if ARGV[5] ~= '' then
  local fromId, toId = tonumber(ARGV[5]), tonumber(ARGV[6])
  if fromId <= wm + 1 and toId > wm then
    redis.call('HSET', mk, 'appliedChangeId', ARGV[6])
    wm = toId
  end
end
return wm
