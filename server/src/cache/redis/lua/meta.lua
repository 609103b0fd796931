--[[
  Reads the current generation and its meta in one script, so a read never lands between
  a switch and the deletion of the old generation; with ARGV[3] = '1', its team fields too.

  Input:
    KEYS[1] current-generation pointer
    KEYS[...] meta, teams and bucket-set keys of the current generation

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] '1' to list the generation's team fields (tenant, separator, team), else '0'

  Output:
    {generation, flat HGETALL of its meta, team fields (when asked) or {}}; false when there
    is no current generation of this layout
]]
--- @include "prelude"
if not cur then return false end
local teams = {}
if ARGV[3] == '1' then teams = redis.call('HKEYS', gkey('t', cur)) end
return {cur, redis.call('HGETALL', gkey('m', cur)), teams}
