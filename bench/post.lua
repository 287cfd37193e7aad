-- wrk script for bench/run.mjs: POSTs one fixed, pre-signed GitHub push body.
--
--   wrk ... -s bench/post.lua URL -- BODY_FILE SIGNATURE DELIVERY_PREFIX
--
-- BODY_FILE  raw bytes that were signed (sent unchanged)
-- SIGNATURE  value of X-Hub-Signature-256, "sha256=<hex>"
-- DELIVERY_PREFIX  makes X-GitHub-Delivery unique per run; each request appends
--                  "<thread>-<counter>", so every request carries a new delivery id
--                  (deployer records each id in SQLite; a repeated id would short-circuit
--                  as a duplicate and skip the insert).
--
-- done() prints one machine-readable line: BENCH_JSON {...} (latencies in microseconds).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local body, signature, prefix
local counter = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  signature = args[2]
  prefix = (args[3] or "bench") .. "-" .. tostring(tid) .. "-"
end

function request()
  counter = counter + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = prefix .. counter,
    ["X-Hub-Signature-256"] = signature,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
