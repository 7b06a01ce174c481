-- Where a replayed dead letter went: KEYS = {replay hash}; ARGV = {base, original entry id}.
-- Returns {replayed entry id}, or {} if that entry was never replayed.
local v = redis.call('HGET', key(KEYS[1]), ARGV[2])
if v then
  return {v}
end
return {}
