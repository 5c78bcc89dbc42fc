-- wrk script: POST the JSON body in $WRK_BODY to the gateway; at the end, one JSON line with
-- the counts and latency percentiles (microseconds) that benchmarks/bench.py reads.
local file = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d,'
      .. ' "write": %d, "status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d,'
      .. ' "max": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
