-- wrk script of bench/load.sh: POSTs the body in $BENCH_BODY_FILE and prints one machine-readable line.
-- The body's "@@" becomes a request number, so that no two requests carry the same user message (the
-- gateway caches token counts of repeated texts; a benchmark of identical bodies would only hit its cache).
-- A body without "@@" (the cache kind's) is sent as it is, every time.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local at = body:find("@@", 1, true)
local head, tail = body, nil
if at then
  head, tail = body:sub(1, at - 1), body:sub(at + 2)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-client-key"

local n = 0
request = function()
  if not tail then
    return wrk.format(nil, nil, nil, head)
  end
  n = n + 1
  return wrk.format(nil, nil, nil, head .. n .. tail)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50us=%d p99us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
