--[[
  Counts the entities and teams of the current generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base

  Output:
    {entities, teams}; {0, 0} when there is no current generation
]]
--- @include "prelude"
if not cur then return {0, 0} end
return {redis.call('HLEN', gkey('entities', cur)), redis.call('HLEN', gkey('teams', cur))}
