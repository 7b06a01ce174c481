-- Gives up every lease this relay holds and leaves the heartbeat set: KEYS = {heartbeat set, every
-- shard's lease}; ARGV = {base, relayId, shards}. Returns how many leases were released.
local n = 0
for i = 0, tonumber(ARGV[3]) - 1 do
  local k = key(base .. ':lease:' .. i)
  if redis.call('GET', k) == ARGV[2] then
    redis.call('DEL', k)
    n = n + 1
  end
end
redis.call('ZREM', key(KEYS[1]), ARGV[2])
return n
