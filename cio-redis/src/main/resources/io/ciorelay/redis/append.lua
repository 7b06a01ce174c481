-- Appends one entry: KEYS = {seq counter, shard stream, bytes counter}; ARGV = {base, shard,
-- person, eventId ('1'..id, or '0' for none), kind, payload, acceptedAt}. Returns the counter;
-- the stream id is '<counter>-<shard>' and the entry's sequence number counter*1024+shard.
local c = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], string.format('%d', c) .. '-' .. ARGV[2],
  'p', ARGV[3], 'e', ARGV[4], 'k', ARGV[5], 'd', ARGV[6], 'a', ARGV[7])
redis.call('INCRBY', KEYS[3], #ARGV[6])
return c
