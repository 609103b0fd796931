--[[
  Ends one writeSnapshot call, after its HSETs on the same connection: adds the team
  counts and recounts the generation. When the generation is not open (fenced or
  switched out while the HSETs were in flight) it drops what they recreated.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] generation
    ARGV[3] k, the number of teams
    ARGV[4...] k team fields, then k entity counts

  Output:
    1 when counted; -1 when the generation is not open
]]
--- @include "prelude"
local g = ARGV[2]
if not isOpen(g) then
  if g ~= cur then drop(g) end
  return -1
end
local k = tonumber(ARGV[3])
local tk = gkey('teams', g)
for i = 1, k do redis.call('HINCRBY', tk, ARGV[3 + i], ARGV[3 + k + i]) end
recount(g)
return 1
