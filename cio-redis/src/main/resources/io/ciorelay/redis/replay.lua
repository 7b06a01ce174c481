-- Moves dead letters back to the end of their shard streams with attempts reset, and records in
-- base:rp which entry id each original entry id was replayed as (so a receipt can follow it):
-- KEYS = {seq counter, bytes counter, dead-letter index, entry->dead letter hash, replay hash, then
-- the record hash of each dead letter, then every shard stream}; ARGV = {base, deadLetterId...}.
-- Returns how many moved.
local n = 0
for i = 2, #ARGV do
  local h = key(base .. ':dl:' .. ARGV[i])
  local v = redis.call('HMGET', h, 'id', 'p', 'e', 'k', 'd', 'a')
  if v[1] then
    local shard = shard_of(v[1])
    local c = redis.call('INCR', key(KEYS[1]))
    local replayed = string.format('%d', c) .. '-' .. shard
    redis.call('XADD', stream(shard), replayed,
      'p', v[2], 'e', v[3], 'k', v[4], 'd', v[5], 'a', v[6])
    redis.call('HSET', key(KEYS[5]), v[1], replayed)
    redis.call('INCRBY', key(KEYS[2]), #v[5])
    redis.call('DEL', h)
    redis.call('ZREM', key(KEYS[3]), ARGV[i])
    if redis.call('HGET', key(KEYS[4]), v[1]) == ARGV[i] then
      redis.call('HDEL', KEYS[4], v[1])
    end
    n = n + 1
  end
end
return n
