--[[
  Begins building a generation: drops whatever an earlier attempt left under its number
  and writes a fresh meta.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] generation
    ARGV[3] starting watermark (appliedChangeId)

  Output:
    1 when begun; 0 when the generation is not newer than the current one
]]
--- @include "prelude"
local g = ARGV[2]
if cur and tonumber(g) <= tonumber(cur) then return 0 end
drop(g)
redis.call('HSET', gkey('meta', g), 'generation', g, 'appliedChangeId', ARGV[3], 'entityCount', 0, 'teamCount', 0)
return 1
