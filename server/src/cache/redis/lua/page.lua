--[[
  One HSCAN page of a generation's entities, read only while that generation is current,
  so all pages of a scan come from one generation.

  Input:
    KEYS[1] current-generation pointer

    ARGV[1] key base
    ARGV[2] generation
    ARGV[3] HSCAN cursor
    ARGV[4] HSCAN COUNT hint

  Output:
    {next cursor, flat id/encoded-entity pairs}; false once the generation is not current
]]
--- @include "prelude"
if cur ~= ARGV[2] then return false end
return redis.call('HSCAN', gkey('entities', cur), ARGV[3], 'COUNT', ARGV[4])
