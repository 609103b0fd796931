--[[
  Lists the team fields (tenant, separator, team) of the current generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base

  Output:
    the team fields; {} when there is no current generation
]]
--- @include "prelude"
if not cur then return {} end
return redis.call('HKEYS', gkey('teams', cur))
