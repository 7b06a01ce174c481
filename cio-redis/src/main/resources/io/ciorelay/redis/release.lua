-- Gives up every lease this relay holds and leaves the heartbeat set: KEYS = {heartbeat set};
-- ARGV = {base, relayId, shards}. Returns how many leases were released.
local n = 0
for i = 0, tonumber(ARGV[3]) - 1 do
  local k = base .. ':lease:' .. i
  if redis.call('GET', k) == ARGV[2] then
    redis.call('DEL', k)
    n = n + 1
  end
end
redis.call('ZREM', KEYS[1], ARGV[2])
return n
