--[[
  Makes a built generation current, atomically: writes its meta and moves the pointer.
  Runs applied while it was built went straight into its buckets (newest version wins), so
  there is nothing to merge. Watermarks compare only within one change log (epoch) and one
  layout: a generation of a replaced log or of another layout is never "ahead" of the new
  one. Generations below the new one that never became current belong to fenced or
  crashed refreshes, so they are dropped too (bounded, as a counter reset could leave a
  huge gap). A generation of another layout is left to the pods of that layout.

  Input:
    KEYS[1] current-generation pointer
    KEYS[2] refresh lock
    KEYS[...] meta, teams and bucket-set keys of the current generation, the one switched to
              and each one below it that the switch may drop (from the current one, or
              1, up; at most 1,000)

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] generation
    ARGV[4] appliedChangeId (the built generation's own watermark wins if higher)
    ARGV[5] builtAt, epoch ms
    ARGV[6] builtBy, the pod id
    ARGV[7] durationMs
    ARGV[8] '1' when a lock token is given, else '0'
    ARGV[9] the lock token, or ''
    ARGV[10] the change log's epoch the generation was built from, or '' when unknown

  Output:
    {outcome, dropped...}: outcome 'switched'; 'fenced' when the lock is not held with the
    token, a newer generation is current or the generation was never begun (it is
    dropped); 'behind' when the current generation, of the same epoch, has applied changes
    the new one has not. dropped: {gen, nonce, buckets} of each generation deleted, whose
    buckets the client unlinks.
]]
--- @include "prelude"
local g = ARGV[3]
local gen = tonumber(g)
local pointer = cur or curOther
local pointerN = pointer and tonumber(pointer)
local function fenced()
  if gen ~= pointerN then return {'fenced', drop(g)} end
  return {'fenced'}
end
if ARGV[8] == '1' and redis.call('GET', KEYS[2]) ~= ARGV[9] then return fenced() end
if pointerN and gen <= pointerN then return fenced() end
local mk = gkey('m', g)
if redis.call('EXISTS', mk) == 0 then return fenced() end
local wm = ARGV[4]
local built = redis.call('HGET', mk, 'appliedChangeId')
if built and tonumber(built) > tonumber(wm) then wm = built end
if cur then
  local curWm = redis.call('HGET', gkey('m', cur), 'appliedChangeId')
  local sameLog = (redis.call('HGET', gkey('m', cur), 'epoch') or '') == (ARGV[10] or '')
  if sameLog and curWm and tonumber(curWm) > tonumber(wm) then return {'behind'} end
end
redis.call('HSET', mk, 'generation', g, 'appliedChangeId', wm, 'builtAt', ARGV[5], 'builtBy', ARGV[6],
  'durationMs', ARGV[7])
if ARGV[10] and ARGV[10] ~= '' then redis.call('HSET', mk, 'epoch', ARGV[10]) end
recount(g)
redis.call('SET', KEYS[1], g)
local out = {'switched'}
local from = pointerN or 1
if gen - from <= 1000 then
  for x = from, gen - 1 do
    if redis.call('HGET', gkey('m', x), 'layout') == layout then out[#out + 1] = drop(x) end
  end
elseif cur then
  out[#out + 1] = drop(cur)
end
return out
