--[[
  Folds a built generation's overlay into its entities, newest version winning, then
  deletes the overlay. An overlay entity new to the generation is counted into its team,
  read from the encoded value at F_TENANT_NAME and F_TEAM_NAME and joined with
  TEAM_SEPARATOR. Needs the prelude and the generated encoding constants.

  Defines:
    mergeOverlay(gen)
]]
local function mergeOverlay(g)
  local ov = gkey('overlay', g)
  local flat = redis.call('HGETALL', ov)
  if #flat == 0 then return end
  local ek, tk = gkey('entities', g), gkey('teams', g)
  local n = #flat / 2
  for s = 0, n - 1, SLICE do
    local e = math.min(s + SLICE, n) - 1
    local ids = {}
    for j = s, e do ids[j - s + 1] = flat[2 * j + 1] end
    local stored = redis.call('HMGET', ek, unpack(ids))
    local writes, w = {}, 0
    for j = s, e do
      local old = stored[j - s + 1]
      local val = flat[2 * j + 2]
      if not old then
        local a = cjson.decode(val)
        redis.call('HINCRBY', tk, a[F_TENANT_NAME] .. TEAM_SEPARATOR .. a[F_TEAM_NAME], 1)
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
