--[[
  First step of a run's write: the nonces naming the buckets of the current generation and
  of a generation being built, and the dictionary ids of the run's names (the client then
  writes the buckets and calls finish.lua).

  Input:
    KEYS[1] current-generation pointer
    KEYS[2] the dictionary
    KEYS[...] meta, teams and bucket-set keys of the current generation and the one being
              built

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] the generation being built, or ''
    ARGV[4...] the strings to intern

  Output:
    {current generation or '', its nonce or '', the building generation's nonce or '' (when
    it is open), the strings' ids...}
]]
--- @include "prelude"
--- @include "interning"
local curNonce, buildingNonce = '', ''
if cur then curNonce = redis.call('HGET', gkey('m', cur), 'nonce') or '' end
if ARGV[3] ~= '' and isOpen(ARGV[3]) then buildingNonce = redis.call('HGET', gkey('m', ARGV[3]), 'nonce') or '' end
local out = {cur or '', curNonce, buildingNonce}
for _, id in ipairs(internAll(KEYS[2], 4)) do table.insert(out, id) end
return out
