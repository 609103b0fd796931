--[[
  Tells whether a generation is open for building: newer than the current one and begun.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] generation

  Output:
    1 when open; 0 otherwise
]]
--- @include "prelude"
if isOpen(ARGV[2]) then return 1 end
return 0
