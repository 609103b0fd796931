--[[
  Interns strings (see includes/interning.lua) for snapshot rows.

  Input:
    KEYS[1] the dictionary (`<prefix>{cache}:dict`)

    ARGV[1...] the strings

  Output:
    their ids, in order
]]
--- @include "interning"
return internAll(KEYS[1], 1)
