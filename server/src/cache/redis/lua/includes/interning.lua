--[[
  Interns strings (tenant, team and type names): each gets a small id, once, for as long
  as the dictionary lives. The dictionary hash holds `s:<text>` -> id, `i:<id>` -> text
  and `#` -> the next id.

  Defines:
    internAll(dict, first) -> the ids of ARGV[first...], in order
]]
local function internAll(dict, first)
  local ids = {}
  for i = first, #ARGV do
    local id = redis.call('HGET', dict, 's:' .. ARGV[i])
    if not id then
      id = redis.call('HINCRBY', dict, '#', 1) - 1
      redis.call('HSET', dict, 's:' .. ARGV[i], id, 'i:' .. id, ARGV[i])
    end
    ids[#ids + 1] = tonumber(id)
  end
  return ids
end
