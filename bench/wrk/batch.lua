-- wrk script: Track v2 batches of 100 events per request, with Basic auth.
-- Usage: wrk -t2 -c16 -d30s -s bench/wrk/batch.lua http://127.0.0.1:18081
dofile("bench/wrk/common.lua")
local per = tonumber(os.getenv("BATCH_SIZE") or "100")
wrk.method = "POST"
wrk.path = "/api/v2/batch"

local ops = {}
for i = 1, per do
  ops[i] = '{"type":"person","identifiers":{"id":"wrk-' .. i .. '"},"action":"event","name":"purchase",'
    .. '"attributes":{"sku":"sku-' .. i .. '","price":19.99,"currency":"EUR","quantity":2,"category":"shoes",'
    .. '"campaign":"winter-sale","coupon":"SAVE10","channel":"web","first_purchase":false,"cart_id":"c-8f2b1e"}}'
end
wrk.body = '{"batch":[' .. table.concat(ops, ",") .. ']}'

done = function(summary, latency, requests)
  io.write(string.format("requests=%d events=%d errors_status=%d p50_ms=%.2f p99_ms=%.2f events_per_sec=%.0f\n",
    summary.requests, summary.requests * per, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests * per / (summary.duration / 1e6)))
end
