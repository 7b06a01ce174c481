-- Records the shard count and the workspace identity tag on first open and returns the recorded
-- ones: KEYS = {meta hash}; ARGV = {base, shards, identity tag ('' = none)}. Returns {shards, tag}.
redis.call('HSETNX', KEYS[1], 'shards', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSETNX', KEYS[1], 'identity', ARGV[3])
end
return {tonumber(redis.call('HGET', KEYS[1], 'shards')), redis.call('HGET', KEYS[1], 'identity') or ''}
