-- wrk script for `anju bench api`: applicant status lookups, each request as one applicant
-- chosen uniformly at random from the file named by ANJU_BENCH_TOKENS (lines
-- `applicant_id,token`, the CSV `anju tokens issue` writes; the header is skipped):
--
--   GET /v1/applicants/{id}   Authorization: Bearer <token>   X-Applicant-Id: {id}
--
-- At the end it prints one machine-readable line (latencies in microseconds) that the
-- benchmark parses:
--   ANJU_WRK requests=… duration_us=… p50_us=… p99_us=… non2xx=… errors=…
--
-- By hand: ANJU_BENCH_TOKENS=tokens.csv wrk -t2 -c64 -d15s --latency -s status.lua http://127.0.0.1:8080

local applicants = {}
local tokens = {}

local path = os.getenv("ANJU_BENCH_TOKENS")
if path then
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    local id, token = line:match("^([^,]+),([^,]+)$")
    if id and id ~= "applicant_id" then
      applicants[#applicants + 1] = id
      tokens[#tokens + 1] = token
    end
  end
  file:close()
end

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  assert(#applicants > 0, "ANJU_BENCH_TOKENS names no id,token pairs")
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local i = math.random(#applicants)
  local id = applicants[i]
  return wrk.format("GET", "/v1/applicants/" .. id, {
    ["Authorization"] = "Bearer " .. tokens[i],
    ["X-Applicant-Id"] = id,
  })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "ANJU_WRK requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
