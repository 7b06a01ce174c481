-- Lists dead letters: KEYS = {dead-letter index}; ARGV = {base, afterId, limit, seqLookup}.
-- With seqLookup = '1', afterId is an entry id and the one dead letter it became is returned.
local ids
if ARGV[4] == '1' then
  local n = redis.call('HGET', base .. ':dlseq', ARGV[2])
  ids = n and {n} or {}
else
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
end
local out = {}
for _, n in ipairs(ids) do
  local f = redis.call('HGETALL', base .. ':dl:' .. n)
  if #f > 0 then
    out[#out + 1] = {n, f}
  end
end
return out
