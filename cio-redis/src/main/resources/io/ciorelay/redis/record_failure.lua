-- Records a failed attempt: KEYS = {stream and failure hash of each shard of the ids};
-- ARGV = {base, atMillis, error, id...}.
-- The failure hash of a shard maps id -> '<attempts>:<firstFailureAt>:<lastError>'.
local at = tonumber(ARGV[2])
local n = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local shard = given(id)
  if shard and #redis.call('XRANGE', stream(shard), id, id) > 0 then
    local h = failures(shard)
    local cur = redis.call('HGET', h, id)
    local attempts, first = 0, 0
    if cur then
      local a, f = string.match(cur, '^(%d+):(%d+):')
      attempts, first = tonumber(a), tonumber(f)
    end
    if first == 0 then first = at end
    redis.call('HSET', h, id, string.format('%d:%d:', attempts + 1, first) .. ARGV[3])
    n = n + 1
  end
end
return n
