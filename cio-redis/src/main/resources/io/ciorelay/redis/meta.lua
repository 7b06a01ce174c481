-- Records the shard count on first open and returns the recorded one: KEYS = {meta hash}; ARGV = {base, shards}.
redis.call('HSETNX', KEYS[1], 'shards', ARGV[2])
return tonumber(redis.call('HGET', KEYS[1], 'shards'))
