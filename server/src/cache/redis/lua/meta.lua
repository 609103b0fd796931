--[[
  Reads the current generation and its meta in one script, so a read never lands between
  a switch and the deletion of the old generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] layout version

  Output:
    {generation, flat HGETALL of its meta}; false when there is no current generation of
    this layout
]]
--- @include "prelude"
if not cur then return false end
return {cur, redis.call('HGETALL', gkey('m', cur))}
