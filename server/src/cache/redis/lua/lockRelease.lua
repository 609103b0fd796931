--[[
  Releases the refresh lock, only for its holder (compare and delete).

  Input:
    KEYS[1] refresh lock

    ARGV[1] lock token

  Output:
    1 when released; 0 when the lock is not held with this token
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
