--[[
  Begins building a generation: drops whatever an earlier attempt left under its number
  and writes a fresh meta with a new nonce, which names the generation's buckets.

  Input:
    KEYS[1] current-generation pointer
    KEYS[...] meta, teams and bucket-set keys of the current generation and the one begun

    ARGV[1] the pointer the client expects, '' for none (includes/prelude.lua)
    ARGV[2] layout version
    ARGV[3] generation
    ARGV[4] starting watermark (appliedChangeId)
    ARGV[5] nonce

  Output:
    {1, dropped}: begun, with the earlier attempt's buckets to unlink ({gen, nonce,
    buckets} or false); {0, false} when the generation is not newer than the current one
]]
--- @include "prelude"
local g = ARGV[3]
local pointer = cur or curOther
if pointer and tonumber(g) <= tonumber(pointer) then return {0, false} end
local dropped = drop(g)
redis.call('HSET', gkey('m', g), 'generation', g, 'appliedChangeId', ARGV[4], 'entityCount', 0, 'teamCount', 0,
  'nonce', ARGV[5], 'layout', layout)
return {1, dropped}
