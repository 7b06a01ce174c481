-- Shared helpers, prepended to the outbox scripts. Every key of a workspace starts with the
-- hash-tagged base ARGV[1] = '{prefix:ws}', so in Redis Cluster they all live in one slot.
-- A script touches only the keys its caller gave in KEYS (a cluster routes a script by them and
-- moves them with their slot): key(name) refuses any other; has(name) asks.
local base = ARGV[1]
local declared

local function has(name)
  if not declared then
    declared = {}
    for _, k in ipairs(KEYS) do
      declared[k] = true
    end
  end
  return declared[name] == true
end

local function key(name)
  if not has(name) then
    error({err = 'ERR cio script touched key ' .. name .. ' that its caller did not pass in KEYS'})
  end
  return name
end

local function shard_of(id)
  return string.match(id, '-(%d+)$')
end

local function stream(shard)
  return key(base .. ':s:' .. shard)
end

local function failures(shard)
  return key(base .. ':f:' .. shard)
end

-- Whether this call was given the keys of the shard of entry id (ids of other shards are skipped).
local function given(id)
  local shard = shard_of(id)
  return shard and has(base .. ':s:' .. shard) and shard
end

local function fields(flat)
  local m = {}
  for j = 1, #flat, 2 do
    m[flat[j]] = flat[j + 1]
  end
  return m
end

-- Pending count and bounds over every shard stream: {pending, bytes, oldestAcceptedAt,
-- deadLetters, oldestCounter, oldestShard, newestCounter, newestShard}; -1 where there is none.
local function totals(shards)
  local pending, oa, oc, os, nc, ns = 0, -1, -1, -1, -1, -1
  for i = 0, shards - 1 do
    local s = stream(i)
    local n = redis.call('XLEN', s)
    if n > 0 then
      pending = pending + n
      local first = redis.call('XRANGE', s, '-', '+', 'COUNT', 1)[1]
      local c = tonumber(string.match(first[1], '^(%d+)-'))
      if oc < 0 or c < oc then oc = c; os = i end
      local a = tonumber(fields(first[2])['a'])
      if a and (oa < 0 or a < oa) then oa = a end
      local last = redis.call('XREVRANGE', s, '+', '-', 'COUNT', 1)[1]
      local lc = tonumber(string.match(last[1], '^(%d+)-'))
      if lc > nc then nc = lc; ns = i end
    end
  end
  local bytes = tonumber(redis.call('GET', key(base .. ':bytes')) or '0')
  local dls = redis.call('ZCARD', key(base .. ':dl'))
  return {pending, bytes, oa, dls, oc, os, nc, ns}
end
