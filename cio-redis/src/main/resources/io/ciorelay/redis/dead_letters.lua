-- Reads dead letters: KEYS = {record hash of each dead letter}; ARGV = {base, dead letter id...}
-- (the caller listed the ids from the index first). Returns {{id, fields}, ...} for those that
-- still exist.
local out = {}
for i = 2, #ARGV do
  local f = redis.call('HGETALL', key(base .. ':dl:' .. ARGV[i]))
  if #f > 0 then
    out[#out + 1] = {ARGV[i], f}
  end
end
return out
