-- The head of one shard: KEYS = {stream, failure hash}; ARGV = {base, maxEntries, maxBytes}.
-- Returns {{id, fields, failure or ''}, ...}, stopping before the entry that would take the
-- payload bytes over maxBytes (always at least one entry).
local es = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])
local max = tonumber(ARGV[3])
local out, bytes = {}, 0
for _, e in ipairs(es) do
  local d = fields(e[2])['d'] or ''
  if #out > 0 and bytes + #d > max then
    break
  end
  bytes = bytes + #d
  out[#out + 1] = {e[1], e[2], redis.call('HGET', KEYS[2], e[1]) or ''}
end
return out
