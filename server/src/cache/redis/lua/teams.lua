--[[
  Lists the team fields (tenant, separator, team) of the current generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] layout version

  Output:
    the team fields; {} when there is no current generation of this layout
]]
--- @include "prelude"
if not cur then return {} end
return redis.call('HKEYS', gkey('t', cur))
