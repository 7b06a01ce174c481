-- Fleet-wide counts and bounds: KEYS = {bytes counter (slot only)}; ARGV = {base, shards}.
return totals(tonumber(ARGV[2]))
