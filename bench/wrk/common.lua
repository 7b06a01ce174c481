-- Shared by the wrk scripts here: Basic auth for the relay from CIO_SITE_ID / CIO_API_KEY
-- (default: the built-in simulator's test credentials). Scripts load it with dofile, so run wrk
-- from the repository root.
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

local site = os.getenv("CIO_SITE_ID") or "sim-site-id"
local key = os.getenv("CIO_API_KEY") or "sim-api-key"
wrk.headers["Authorization"] = "Basic " .. base64(site .. ":" .. key)
wrk.headers["Content-Type"] = "application/json"
