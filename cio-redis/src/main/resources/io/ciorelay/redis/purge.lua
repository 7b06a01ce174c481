-- Deletes dead letters for good: KEYS = {dead-letter index, entry->dead letter hash, then the
-- record hash of each dead letter}; ARGV = {base, deadLetterId...}.
local n = 0
for i = 2, #ARGV do
  local h = key(base .. ':dl:' .. ARGV[i])
  local id = redis.call('HGET', h, 'id')
  if id then
    redis.call('DEL', h)
    redis.call('ZREM', key(KEYS[1]), ARGV[i])
    if redis.call('HGET', key(KEYS[2]), id) == ARGV[i] then
      redis.call('HDEL', KEYS[2], id)
    end
    n = n + 1
  end
end
return n
