-- Fleet-wide counts and bounds: KEYS = {bytes counter, dead-letter index, every shard stream};
-- ARGV = {base, shards}.
return totals(tonumber(ARGV[2]))
