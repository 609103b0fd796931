--[[
  Tells whether a generation is open for building: newer than the current one and begun.

  Input:
    KEYS[1] current-generation pointer
    KEYS[...] meta, teams and bucket-set keys of the current generation and the one asked
              about

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] generation

  Output:
    the generation's nonce when open; false otherwise
]]
--- @include "prelude"
if isOpen(ARGV[3]) then return redis.call('HGET', gkey('m', ARGV[3]), 'nonce') end
return false
