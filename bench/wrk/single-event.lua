-- wrk script: one Track v1 event per request, each for a random person, with Basic auth.
-- Usage: wrk -t2 -c64 -d30s -s bench/wrk/single-event.lua http://127.0.0.1:18081
-- Credentials: CIO_SITE_ID / CIO_API_KEY (default: the built-in simulator's test credentials).
dofile("bench/wrk/common.lua")
wrk.method = "POST"
wrk.body = '{"name":"purchase","data":{"sku":"sku-1234","price":19.99,"currency":"EUR","quantity":2,'
  .. '"category":"shoes","campaign":"winter-sale","coupon":"SAVE10","channel":"web",'
  .. '"first_purchase":false,"cart_id":"c-8f2b1e"}}'

local counter = 0
request = function()
  counter = counter + 1
  local path = "/api/v1/customers/wrk-" .. math.random(1, 100000) .. "/events"
  return wrk.format(nil, path)
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d p50_ms=%.2f p99_ms=%.2f rps=%.0f\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
