-- One poll round of a relay: KEYS = {heartbeat set, seq counter, bytes counter, dead-letter index,
-- every shard's lease, every shard stream}; ARGV = {base, relayId, ttlMillis, shards,
-- startShard (-1: draining, take nothing new), shard to release...}. Registers the relay, drops relays silent for a TTL, releases
-- the given shards (if still held), renews the leases it holds (compare-and-pexpire), takes free
-- shards up to ceil(shards / live relays) starting at startShard, and returns
-- {live, maxPerRelay, {state, xlen} per shard (state 0 other/free, 1 held, 2 newly taken), totals}.
local me = ARGV[2]
local ttl = tonumber(ARGV[3])
local shards = tonumber(ARGV[4])
local start = tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, me)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
local live = redis.call('ZCARD', KEYS[1])
local max = math.ceil(shards / live)
local released = {}
for i = 6, #ARGV do
  local k = key(base .. ':lease:' .. ARGV[i])
  if redis.call('GET', k) == me then
    redis.call('DEL', k)
  end
  released[tonumber(ARGV[i])] = true
end
local state, count = {}, 0
for i = 0, shards - 1 do
  local k = key(base .. ':lease:' .. i)
  if redis.call('GET', k) == me then
    redis.call('PEXPIRE', k, ttl)
    state[i] = 1
    count = count + 1
  else
    state[i] = 0
  end
end
local takeUpTo = max
if start < 0 then
  takeUpTo = 0
end
for j = 0, shards - 1 do
  if count >= takeUpTo then break end
  local i = (start + j) % shards
  if state[i] == 0 and not released[i] and redis.call('SET', key(base .. ':lease:' .. i), me, 'NX', 'PX', ttl) then
    state[i] = 2
    count = count + 1
  end
end
local per = {}
for i = 0, shards - 1 do
  per[#per + 1] = state[i]
  per[#per + 1] = redis.call('XLEN', stream(i))
end
-- The append counter as of this script: appends up to it are in the totals above.
return {live, max, per, totals(shards), tonumber(redis.call('GET', key(KEYS[2])) or '0')}
