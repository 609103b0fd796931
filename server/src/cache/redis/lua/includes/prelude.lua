--[[
  Shared start of every generation script: checks the current-generation pointer is the one
  the client expected, resolves the current generation, and defines the helpers on the
  `{cache}` keys of a generation (meta `m:`, teams `t:`, bucket set `b:`). Every such key
  is declared in KEYS, never derived inside the script: a Redis Cluster node routes and
  checks a script by its declared keys (a derived key fails with "Script attempted to
  access a non local key" during a slot migration, and is not retried). The client knows
  which generations a script may touch once it knows the pointer, so it sends the pointer
  it last saw; when the pointer has moved the script stops before any write and replies
  the error `SLA_POINTER <pointer>`, and the client retries with the right keys. The
  entity buckets (`<prefix>{b<n>}:<gen>:<nonce>`, other slots) are never touched here: the
  client writes and deletes them with their own commands.

  Reads:
    KEYS[1] current-generation pointer (`<prefix>{cache}:gen`)
    KEYS[...] (after the script's own keys) the meta, teams and bucket-set keys of each
              generation the script may touch (`<prefix>{cache}:m:<g>`, `:t:<g>`, `:b:<g>`)
    ARGV[1] the pointer the client expects ('' for none)
    ARGV[2] the layout version this pod writes

  Defines:
    layout, cur (the current generation of this layout, or false), curOther (the pointer
    when it names a generation of another layout), gkey(kind, gen) (raises an error for a
    key not declared), isOpen(gen), drop(gen) -> {gen, nonce, buckets} or false,
    recount(gen)
]]
local layout = ARGV[2]
local declared = {}
for i = 2, #KEYS do
  local kind, g = string.match(KEYS[i], '{cache}:([mtb]):(%d+)$')
  if kind then declared[kind .. g] = KEYS[i] end
end
local function gkey(kind, gen)
  local key = declared[kind .. tostring(gen)]
  if not key then error('undeclared key ' .. kind .. ':' .. tostring(gen)) end
  return key
end
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return redis.error_reply('SLA_POINTER ' .. (cur or '')) end
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
