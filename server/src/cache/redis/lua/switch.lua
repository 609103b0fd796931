--[[
  Makes a built generation current, atomically: merges its overlay, writes its meta and
  moves the pointer. Watermarks compare only within one change log (epoch): a generation
  of a replaced log is never "ahead" of the new one. Generations below the new one that never became current belong to
  fenced or crashed refreshes, so they are dropped too (bounded, as a counter reset could
  leave a huge gap).

  Input:
    KEYS[1] current-generation pointer
    KEYS[2] refresh lock

    ARGV[1] key base
    ARGV[2] generation
    ARGV[3] appliedChangeId (the built generation's own watermark wins if higher)
    ARGV[4] builtAt, epoch ms
    ARGV[5] builtBy, the pod id
    ARGV[6] durationMs
    ARGV[7] '1' when a lock token is given, else '0'
    ARGV[8] the lock token, or ''
    ARGV[9] the change log's epoch the generation was built from, or '' when unknown

  Output:
    'switched'; 'fenced' when the lock is not held with the token, a newer generation is
    current or the generation was never begun (it is dropped); 'behind' when the current
    generation, of the same epoch, has applied changes the new one has not
]]
--- @include "prelude"
--- @include "encoding"
--- @include "mergeOverlay"
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
  local sameLog = (redis.call('HGET', gkey('meta', cur), 'epoch') or '') == (ARGV[9] or '')
  if sameLog and curWm and tonumber(curWm) > tonumber(wm) then return 'behind' end
end
mergeOverlay(g)
redis.call('HSET', mk, 'generation', g, 'appliedChangeId', wm, 'builtAt', ARGV[4], 'builtBy', ARGV[5],
  'durationMs', ARGV[6])
if ARGV[9] and ARGV[9] ~= '' then redis.call('HSET', mk, 'epoch', ARGV[9]) end
recount(g)
redis.call('SET', KEYS[1], g)
local from = curN or 1
if gen - from <= 1000 then
  for x = from, gen - 1 do drop(x) end
elseif cur then
  drop(cur)
end
return 'switched'
