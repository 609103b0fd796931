--[[
  Shared start of every cache script: resolves the current generation and defines the
  helpers on generation keys. Generation keys are derived from the key base because the
  generation is only known inside the script.

  Reads:
    KEYS[1] current-generation pointer (`<prefix>{cache}:current`)
    ARGV[1] key base (`<prefix>{cache}:`)

  Defines:
    base, cur (the current generation, or false), SLICE (values per HMGET/HSET: Lua's
    unpack() stops at about 8,000), gkey(kind, gen), ver(encoded entity) -> version,
    isOpen(gen), drop(gen), recount(gen)
]]
local base = ARGV[1]
local cur = redis.call('GET', KEYS[1])
local SLICE = 1000
local function gkey(kind, gen) return base .. kind .. ':' .. gen end
-- The version is the first field of the encoding (checkLayout in store/encoding.ts).
local function ver(s) return tonumber(string.match(s, '^%[(%d+)')) end
local function isOpen(gen)
  if cur and tonumber(gen) <= tonumber(cur) then return false end
  return redis.call('EXISTS', gkey('meta', gen)) == 1
end
local function drop(gen)
  redis.call('UNLINK', gkey('entities', gen), gkey('teams', gen), gkey('meta', gen), gkey('overlay', gen))
end
local function recount(gen)
  redis.call('HSET', gkey('meta', gen), 'entityCount', redis.call('HLEN', gkey('entities', gen)),
    'teamCount', redis.call('HLEN', gkey('teams', gen)))
end
