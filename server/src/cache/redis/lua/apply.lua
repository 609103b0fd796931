--[[
  Applies a run of accepted changes: to the current generation's entities, and to the
  overlay of the generation being built, if one is given and still open. Each entity is
  written only when its version is newer than the stored one.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] fromId, the run's first change id
    ARGV[3] toId, the run's last change id
    ARGV[4] the generation being built, or ''
    ARGV[5...] the run's rows (layout in includes/applyRows.lua)

  Output:
    the current generation's watermark (appliedChangeId) after the run; 0 when there is
    no current generation
]]
--- @include "prelude"
--- @include "applyRows"
local fromId, toId = tonumber(ARGV[2]), tonumber(ARGV[3])
local result = 0
if cur then
  applyRows(gkey('entities', cur), 5, cur)
  result = advance(cur, fromId, toId, ARGV[3])
end
if ARGV[4] ~= '' and isOpen(ARGV[4]) then
  applyRows(gkey('overlay', ARGV[4]), 5, nil)
  advance(ARGV[4], fromId, toId, ARGV[3])
end
return result
