-- Deletes dead letters for good: KEYS = {dead-letter index}; ARGV = {base, deadLetterId...}.
local n = 0
for i = 2, #ARGV do
  local h = base .. ':dl:' .. ARGV[i]
  local id = redis.call('HGET', h, 'id')
  if id then
    redis.call('DEL', h)
    redis.call('ZREM', KEYS[1], ARGV[i])
    if redis.call('HGET', base .. ':dlseq', id) == ARGV[i] then
      redis.call('HDEL', base .. ':dlseq', id)
    end
    n = n + 1
  end
end
return n
