-- Prints wrk's results as one JSON line (p50/p95 in ms, requests/s, errors).
-- With WRK_BODIES set to a file of request bodies (one per line), each request takes the
-- next body in turn (for one-time codes that may be used only once).
-- Threads take interleaved bodies (thread i takes i, i + n, i + 2n …), so no body is sent
-- twice while the file lasts. A line "PATH BODY" (PATH starting with /, no space in either)
-- posts BODY to PATH: for one-time codes that are part of the address.
local bodies = {}
local counter = 0
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
end

function init(args)
  if os.getenv("WRK_METHOD") then wrk.method = os.getenv("WRK_METHOD") end
  local path = os.getenv("WRK_BODIES")
  if path then
    for line in io.lines(path) do table.insert(bodies, line) end
  end
end

function request()
  if #bodies > 0 then
    local threads = tonumber(os.getenv("WRK_THREADS") or "1")
    local index = (id + counter * threads) % #bodies + 1
    counter = counter + 1
    local path, body = bodies[index]:match("^(/%S*) (.*)$")
    if path then return wrk.format(nil, path, nil, body) end
    return wrk.format(nil, nil, nil, bodies[index])
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  -- Requests over one second: the share above 1 s, found by bisecting the percentiles.
  local over = 0
  if latency.max > 1e6 then
    local lo, hi = 0, 100
    for _ = 1, 40 do
      local mid = (lo + hi) / 2
      if latency:percentile(mid) > 1e6 then hi = mid else lo = mid end
    end
    over = math.floor(summary.requests * (100 - hi) / 100 + 0.5)
    if over < 1 then over = 1 end
  end
  io.write(string.format(
    '{"p50": %.2f, "p95": %.2f, "max": %.2f, "over_1s": %d, "requests": %d, "seconds": %.3f, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000, over,
    summary.requests, summary.duration / 1e6, errors))
end
