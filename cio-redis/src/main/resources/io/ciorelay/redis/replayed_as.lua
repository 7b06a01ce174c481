-- Where a replayed dead letter went: KEYS = {}; ARGV = {base, original entry id}.
-- Returns {replayed entry id}, or {} if that entry was never replayed.
local v = redis.call('HGET', base .. ':rp', ARGV[2])
if v then
  return {v}
end
return {}
