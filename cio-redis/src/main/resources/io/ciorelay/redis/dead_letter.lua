-- Moves entries to the dead-letter store: KEYS = {bytes counter, dead-letter index, entry->dead
-- letter hash, then the record hash of each reserved dead letter id, then stream and failure hash
-- of each shard of the ids}; ARGV = {base, nowMillis, then per entry: id, reason, lastStatus,
-- attempts, reserved dead letter id}. A dead letter is a hash {base}:dl:<n> indexed by the sorted
-- set {base}:dl (score n) and by {base}:dlseq (entry id -> n); n is reserved by the caller
-- (INCRBY {base}:dlid) so its record's key is known before the call. Returns the ids moved.
local moved, bytes = {}, 0
for i = 3, #ARGV, 5 do
  local id = ARGV[i]
  local shard = given(id)
  if shard then
    local s = stream(shard)
    local e = redis.call('XRANGE', s, id, id)
    if #e > 0 then
      local m = fields(e[1][2])
      local fh = failures(shard)
      local fail = redis.call('HGET', fh, id)
      local recorded = 0
      if fail then recorded = tonumber(string.match(fail, '^(%d+):')) end
      local attempts = math.max(tonumber(ARGV[i + 3]), recorded)
      local n = ARGV[i + 4]
      redis.call('HSET', key(base .. ':dl:' .. n), 'id', id, 'p', m['p'], 'e', m['e'], 'k', m['k'], 'd', m['d'],
        'a', m['a'], 't', ARGV[2], 'r', ARGV[i + 1], 's', ARGV[i + 2], 'n', attempts)
      redis.call('ZADD', key(base .. ':dl'), n, n)
      redis.call('HSET', key(base .. ':dlseq'), id, n)
      redis.call('XDEL', s, id)
      redis.call('HDEL', fh, id)
      bytes = bytes + #m['d']
      moved[#moved + 1] = id
    end
  end
end
if bytes > 0 then
  redis.call('DECRBY', key(KEYS[1]), bytes)
end
return moved
