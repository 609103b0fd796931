--[[
  Appends changes to the change tail (a stream of one log epoch), in id order and
  idempotently: an id at or below the tail's last one is skipped. The meta hash records
  `last` (newest id) and `from` (lowest id from which the tail holds every change up to
  `last`): an id that does not continue `last` starts a new contiguous span.

  Input:
    KEYS[1] the tail stream
    KEYS[2] the tail's meta hash

    ARGV[1] approximate maximum length (XADD MAXLEN ~)
    ARGV[2] '1' to empty the tail first (a refill), else '0'
    ARGV[3] seconds the keys live after the last append
    ARGV[4...] pairs: change id, encoded entry (cache/tail-entry.ts)

  Output:
    { from, last } after the call (0, 0 when empty)
]]
local stream, meta = KEYS[1], KEYS[2]
local last = tonumber(redis.call('HGET', meta, 'last') or '')
local from = tonumber(redis.call('HGET', meta, 'from') or '')
-- A stream without its meta (or a refill) cannot be trusted for contiguity: start over.
if ARGV[2] == '1' or not last or not from then
  redis.call('DEL', stream)
  last, from = 0, 0
end
for i = 4, #ARGV, 2 do
  local id = tonumber(ARGV[i])
  if id > last then
    if id ~= last + 1 or from == 0 then from = id end
    redis.call('XADD', stream, 'MAXLEN', '~', ARGV[1], id .. '-0', 'c', ARGV[i + 1])
    last = id
  end
end
if last > 0 then
  -- Trimming drops the oldest entries: the contiguous span starts no lower than the first kept.
  local entry = unpack(redis.call('XRANGE', stream, '-', '+', 'COUNT', 1))
  if entry then
    local firstId = tonumber(string.match(unpack(entry), '^(%d+)'))
    if firstId > from then from = firstId end
  end
  redis.call('HSET', meta, 'last', last, 'from', from)
  redis.call('EXPIRE', stream, ARGV[3])
  redis.call('EXPIRE', meta, ARGV[3])
end
return { from, last }
