-- Appends one entry: KEYS = {seq counter, shard stream, bytes counter, append id}; ARGV = {base,
-- shard, person, eventId ('1'..id, or '0' for none), kind, payload, acceptedAt, appendIdTtlMillis}.
-- Returns the counter; the stream id is '<counter>-<shard>' and the entry's sequence number
-- counter*1024+shard. Idempotent: the append id (chosen by the client) is remembered with the
-- counter for appendIdTtlMillis, and a run with an id already seen (a command re-sent after a
-- reconnect) stores nothing and returns the first run's counter.
local prior = redis.call('GET', KEYS[4])
if prior then
  return tonumber(prior)
end
local c = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], string.format('%d', c) .. '-' .. ARGV[2],
  'p', ARGV[3], 'e', ARGV[4], 'k', ARGV[5], 'd', ARGV[6], 'a', ARGV[7])
redis.call('INCRBY', KEYS[3], #ARGV[6])
redis.call('SET', KEYS[4], string.format('%d', c), 'PX', tonumber(ARGV[8]))
return c
