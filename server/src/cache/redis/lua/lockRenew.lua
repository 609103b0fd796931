--[[
  Extends the refresh lock, only for its holder (compare and expire).

  Input:
    KEYS[1] refresh lock

    ARGV[1] lock token
    ARGV[2] time to live, ms

  Output:
    1 when renewed; 0 when the lock is not held with this token
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
