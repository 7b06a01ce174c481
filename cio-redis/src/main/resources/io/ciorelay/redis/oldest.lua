-- The oldest entry of one shard stream, whoever owns the shard: KEYS = {stream}; ARGV = {base}.
-- Returns {entry id}, or {} if the stream is empty. Reads only.
local r = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #r > 0 then
  return {r[1][1]}
end
return {}
