-- Token bucket shared by a fleet: KEYS = {bucket hash, paused-until}; ARGV = {capacity,
-- microsPerToken, take (1 = take a token, 0 = only look), pauseForMillis (0 = none)}.
-- Time is the Redis server's (TIME), so relays' clocks do not matter: a pause comes in and goes
-- out as a duration. Returns {granted (1/0), nanosToWait, pauseLeftMillis (0 = none), millitokensLeft}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(now / 1000)
local newPause = tonumber(ARGV[4])
if newPause > 0 then
  newPause = nowMs + newPause
end
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if newPause > pause then
  pause = newPause
end
if newPause > 0 and pause > nowMs then
  redis.call('SET', KEYS[2], pause, 'PX', pause - nowMs + 1000)
end
if pause <= nowMs then
  pause = 0
end
local cap = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens, ts = tonumber(b[1]), tonumber(b[2])
if not tokens or not ts then
  tokens, ts = cap, now
end
if now > ts then
  tokens = math.min(cap, tokens + (now - ts) / per)
  ts = now
end
local granted, wait = 0, 0
if pause > 0 then
  wait = (pause - nowMs) * 1000000
elseif tokens >= 1 then
  if ARGV[3] == '1' then
    tokens = tokens - 1
    granted = 1
  end
else
  wait = math.ceil((1 - tokens) * per * 1000)
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', string.format('%d', ts))
  redis.call('PEXPIRE', KEYS[1], math.ceil(cap * per / 1000) + 60000)
end
local pauseLeft = 0
if pause > 0 then
  pauseLeft = pause - nowMs
end
return {granted, wait, pauseLeft, math.floor(tokens * 1000)}
