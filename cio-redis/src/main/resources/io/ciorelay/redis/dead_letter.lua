-- Moves entries to the dead-letter store: KEYS = {bytes counter}; ARGV = {base, nowMillis,
-- then per entry: id, reason, lastStatus, attempts}. A dead letter is a hash {base}:dl:<n>
-- indexed by the sorted set {base}:dl (score n) and by {base}:dlseq (entry id -> n).
-- Returns the ids moved.
local moved, bytes = {}, 0
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  local shard = shard_of(id)
  if shard then
    local s = stream(shard)
    local e = redis.call('XRANGE', s, id, id)
    if #e > 0 then
      local m = fields(e[1][2])
      local fh = base .. ':f:' .. shard
      local fail = redis.call('HGET', fh, id)
      local recorded = 0
      if fail then recorded = tonumber(string.match(fail, '^(%d+):')) end
      local attempts = math.max(tonumber(ARGV[i + 3]), recorded)
      local n = redis.call('INCR', base .. ':dlid')
      redis.call('HSET', base .. ':dl:' .. n, 'id', id, 'p', m['p'], 'e', m['e'], 'k', m['k'], 'd', m['d'],
        'a', m['a'], 't', ARGV[2], 'r', ARGV[i + 1], 's', ARGV[i + 2], 'n', attempts)
      redis.call('ZADD', base .. ':dl', n, n)
      redis.call('HSET', base .. ':dlseq', id, n)
      redis.call('XDEL', s, id)
      redis.call('HDEL', fh, id)
      bytes = bytes + #m['d']
      moved[#moved + 1] = id
    end
  end
end
if bytes > 0 then
  redis.call('DECRBY', KEYS[1], bytes)
end
return moved
