--[[
  Shared start of every generation script: resolves the current generation and defines
  the helpers on the `{cache}` keys of a generation (meta `m:`, teams `t:`, bucket set
  `b:`). Those keys are derived from the key base because the generation is only known
  inside the script; they share the `{cache}` hash tag, so one slot holds them all. The
  entity buckets (`<prefix>{b<n>}:<gen>:<nonce>`, other slots) are never touched here:
  the client writes and deletes them with their own commands.

  Reads:
    KEYS[1] current-generation pointer (`<prefix>{cache}:gen`)
    ARGV[1] key base (`<prefix>{cache}:`)
    ARGV[2] the layout version this pod writes

  Defines:
    base, layout, cur (the current generation of this layout, or false), curOther (true
    when the pointer names a generation of another layout), gkey(kind, gen), isOpen(gen),
    drop(gen) -> {gen, nonce, buckets} or false, recount(gen)
]]
local base = ARGV[1]
local layout = ARGV[2]
local function gkey(kind, gen) return base .. kind .. ':' .. gen end
local cur = redis.call('GET', KEYS[1])
local curOther = false
if cur and redis.call('HGET', gkey('m', cur), 'layout') ~= layout then
  curOther = cur
  cur = false
end
local function isOpen(gen)
  local pointer = cur or curOther
  if pointer and tonumber(gen) <= tonumber(pointer) then return false end
  return redis.call('EXISTS', gkey('m', gen)) == 1
end
-- Deletes a generation's {cache} keys and returns what the client must unlink in other slots.
local function drop(gen)
  local mk = gkey('m', gen)
  local nonce = redis.call('HGET', mk, 'nonce')
  local buckets = redis.call('SMEMBERS', gkey('b', gen))
  redis.call('UNLINK', mk, gkey('t', gen), gkey('b', gen))
  if not nonce then return false end
  return {tostring(gen), nonce, buckets}
end
local function recount(gen)
  redis.call('HSET', gkey('m', gen), 'teamCount', redis.call('HLEN', gkey('t', gen)))
end
