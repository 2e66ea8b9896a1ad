-- wrk script for bench/peer.py: GET as given, or GeoReport v2 POST requests.json bodies.
--
--   wrk ... -s bench/open311.lua URL -- get
--   wrk ... -s bench/open311.lua URL -- post POINTS API_KEY SERVICE_CODE IDS_PREFIX
--
-- POINTS: a file of "lat lon" lines (distinct random points inside the city); each request
-- takes the next one. IDS_PREFIX: each thread appends the service_request_id of every
-- acknowledged POST to IDS_PREFIX-<thread>.txt, so that the bench can check they are stored.
-- done() prints one line "WRK_JSON {...}" with the counts and the latency percentiles.

local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("tid", thread_number)
  table.insert(threads, thread)
end

local mode = "get"
local points = {}
local api_key, service_code, ids_file
local sent = 0
-- Read back by done() through thread:get (numbers and strings only).
acknowledged = 0
status_2xx = 0
status_other = 0
other_codes = ""

local function urlencode(text)
  return (text:gsub("[^%w%-_%.~]", function(char)
    return string.format("%%%02X", string.byte(char))
  end))
end

function init(args)
  mode = args[1] or "get"
  if mode ~= "post" then
    return
  end
  for line in io.lines(args[2]) do
    local lat, lon = line:match("^(%S+)%s+(%S+)$")
    if lat then
      points[#points + 1] = { lat, lon }
    end
  end
  api_key, service_code = args[3], args[4]
  ids_file = io.open(args[5] .. "-" .. tid .. ".txt", "a")
end

local function post_body()
  sent = sent + 1
  -- Threads start at different points, so that two threads never send the same one.
  local index = ((tid - 1) * 100003 + sent - 1) % #points + 1
  local point = points[index]
  local text = "Jalan berlubang cukup dalam di dekat titik ini, sudah ada pengendara "
    .. "motor yang jatuh. (uji beban " .. tid .. "-" .. sent .. ")"
  return "api_key=" .. urlencode(api_key)
    .. "&service_code=" .. urlencode(service_code)
    .. "&lat=" .. point[1]
    .. "&long=" .. point[2]
    .. "&description=" .. urlencode(text)
end

function request()
  if mode ~= "post" then
    return wrk.format(nil, nil)
  end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  return wrk.format("POST", nil, headers, post_body())
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    status_2xx = status_2xx + 1
  else
    status_other = status_other + 1
    if #other_codes < 200 then
      other_codes = other_codes .. status .. " "
    end
  end
  if ids_file and (status == 200 or status == 201) then
    local id = body:match('"service_request_id"%s*:%s*"?([^",}%]]+)')
    if id then
      acknowledged = acknowledged + 1
      ids_file:write(id, "\n")
      ids_file:flush()
    end
  end
end

function done(summary, latency, requests)
  local totals = { acknowledged = 0, status_2xx = 0, status_other = 0 }
  local codes = ""
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
    codes = codes .. (thread:get("other_codes") or "")
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us": %d, "requests": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "timeout": %d, "status_errors": %d, "status_2xx": %d, '
      .. '"status_other": %d, "acknowledged": %d, "other_codes": "%s", '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.duration, summary.requests, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, totals.status_2xx, totals.status_other,
    totals.acknowledged, codes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max
  ))
end
