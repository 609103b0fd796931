--[[
  Reads one entity of the current generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] entity id

  Output:
    the encoded entity; false when there is no current generation or no such entity
]]
--- @include "prelude"
if not cur then return false end
return redis.call('HGET', gkey('entities', cur), ARGV[2])
