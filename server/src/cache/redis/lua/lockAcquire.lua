--[[
  Takes the refresh lock and draws its fencing token in one script, so no holder is ever
  left without one. The token is never below the current generation + 1: generations are
  numbered by it, and a counter that went back (a promoted replica that missed the last
  INCR) must not hand out a generation already used.

  Input:
    KEYS[1] refresh lock
    KEYS[2] fence counter
    KEYS[3] current-generation pointer

    ARGV[1] lock token
    ARGV[2] time to live, ms

  Output:
    the fencing token (> 0) when taken; 0 when another holder has it
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  local pointer = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
  if fence <= pointer then
    fence = pointer + 1
    redis.call('SET', KEYS[2], fence)
  end
  return fence
end
return 0
