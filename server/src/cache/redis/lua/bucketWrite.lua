--[[
  Writes entities into one bucket of a generation, newest version winning. The bucket is
  a small hash (entity id -> packed entity, store/packed.ts), one hash tag per bucket, so
  this script touches one slot.

  Input:
    KEYS[1] the bucket (`<prefix>{b<n>}:<gen>:<nonce>`)

    ARGV[1] 'run' (a run of changes) or 'snap' (snapshot rows: an equal version already
            stored counts as a repeat)
    ARGV[2...] id, packed entity, id, packed entity, ... (each id once)

  Output:
    {repeats, positions (1-based, in pairs) of the entities new to the bucket...}
]]
local n = (#ARGV - 1) / 2
-- A bucket not yet written (most of a refresh's) takes every row: no HMGET needed.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  local all = {0}
  for i = 1, n do all[i + 1] = i end
  return all
end
local ids = {}
for i = 1, n do ids[i] = ARGV[2 * i] end
local stored = redis.call('HMGET', KEYS[1], unpack(ids))
-- The version is the first field, base 36 (store/packed.ts).
local function ver(s) return tonumber(string.match(s, '^[0-9a-z]+'), 36) end
local repeats, fresh = 0, {}
local writes, w = {}, 0
for i = 1, n do
  local old, val = stored[i], ARGV[2 * i + 1]
  local write = not old
  if not old then
    fresh[#fresh + 1] = i
  else
    local vo, vn = ver(old), ver(val)
    if ARGV[1] == 'snap' and vo == vn then repeats = repeats + 1 end
    write = vo < vn
  end
  if write then
    writes[w + 1] = ids[i]
    writes[w + 2] = val
    w = w + 2
  end
end
if w > 0 then redis.call('HSET', KEYS[1], unpack(writes)) end
table.insert(fresh, 1, repeats)
return fresh
