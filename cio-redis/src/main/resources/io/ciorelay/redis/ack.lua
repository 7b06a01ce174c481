-- Deletes delivered entries: KEYS = {bytes counter, then stream and failure hash of each shard of
-- the ids}; ARGV = {base, id...}. Returns the ids removed.
local removed, bytes = {}, 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local shard = given(id)
  if shard then
    local s = stream(shard)
    local e = redis.call('XRANGE', s, id, id)
    if #e > 0 then
      bytes = bytes + #(fields(e[1][2])['d'] or '')
      redis.call('XDEL', s, id)
      redis.call('HDEL', failures(shard), id)
      removed[#removed + 1] = id
    end
  end
end
if bytes > 0 then
  redis.call('DECRBY', key(KEYS[1]), bytes)
end
return removed
