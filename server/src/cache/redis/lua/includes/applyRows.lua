--[[
  Writes the entities of a run into a hash, newest version winning, and advances a
  generation's watermark. Needs the prelude.

  Rows start at ARGV[first]:
    k; k team fields; k counts (how many of the following rows are that team's, in
    order); the n ids; the n encoded entities.
  Ids are one block so HMGET takes them straight from ARGV; HMGET/HSET go in slices.

  Defines:
    applyRows(hash, first, gen): with `gen`, entities new to the hash are counted into
      that generation's teams and meta
    advance(gen, fromId, toId, toIdText) -> the generation's watermark: moves it to toId
      when the run starts at or below watermark + 1 and ends above it
]]
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
