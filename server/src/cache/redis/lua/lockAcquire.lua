--[[
  Takes the refresh lock and draws its fencing token in one script, so no holder is ever
  left without one.

  Input:
    KEYS[1] refresh lock
    KEYS[2] fence counter

    ARGV[1] lock token
    ARGV[2] time to live, ms

  Output:
    the fencing token (> 0) when taken; 0 when another holder has it
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
