-- wrk script: Track v2 batches of 100 events per request, with Basic auth.
-- Usage: wrk -t2 -c16 -d30s -s bench/wrk/batch.lua http://127.0.0.1:18081
local site = os.getenv("CIO_SITE_ID") or "sim-site-id"
local key = os.getenv("CIO_API_KEY") or "sim-api-key"
local per = tonumber(os.getenv("BATCH_SIZE") or "100")

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
wrk.path = "/api/v2/batch"
wrk.headers["Authorization"] = "Basic " .. base64(site .. ":" .. key)
wrk.headers["Content-Type"] = "application/json"

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
