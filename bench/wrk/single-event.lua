-- wrk script: one Track v1 event per request, each for a random person, with Basic auth.
-- Usage: wrk -t2 -c64 -d30s -s bench/wrk/single-event.lua http://127.0.0.1:18081
-- Credentials: CIO_SITE_ID / CIO_API_KEY (default: the built-in simulator's test credentials).
local site = os.getenv("CIO_SITE_ID") or "sim-site-id"
local key = os.getenv("CIO_API_KEY") or "sim-api-key"

local b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local function base64(data)
  return ((data:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d?%d?%d?%d?%d?', function(x)
    if (#x < 6) then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
end

wrk.method = "POST"
wrk.headers["Authorization"] = "Basic " .. base64(site .. ":" .. key)
wrk.headers["Content-Type"] = "application/json"
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
