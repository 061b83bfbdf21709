-- written by loadtest bench: a random 6-digit id per request; the figures as one JSON line at the end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end
function request()
  return wrk.format("GET", "/home?id=" .. math.random(100000, 999999))
end
local function n(x) return math.floor(x) end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('%s{"requests":%d,"durationUs":%d,'
    .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
    .. '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    "BENCH ", n(summary.requests), n(summary.duration), n(e.connect), n(e.read), n(e.write), n(e.status),
    n(e.timeout), n(latency:percentile(50)), n(latency:percentile(90)), n(latency:percentile(99)),
    n(latency:percentile(99.9)), n(latency.max)))
end
