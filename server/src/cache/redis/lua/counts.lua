--[[
  Counts the entities and teams of the current generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] layout version

  Output:
    {entities, teams}; {0, 0} when there is no current generation of this layout
]]
--- @include "prelude"
if not cur then return {0, 0} end
return {tonumber(redis.call('HGET', gkey('m', cur), 'entityCount') or '0'), redis.call('HLEN', gkey('t', cur))}
