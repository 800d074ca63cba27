-- wrk script for scripts/load-test.sh: GET /search with a rotating set of text queries, and one
-- machine-readable RESULT line at the end (requests, seconds, p50/p99 in microseconds, errors).
local queries = {"a cat", "a rocket", "a horse", "the moon", "an old camera", "a cup of coffee", "an astronaut",
                 "a red motorcycle", "a brick wall", "coins on a table", "grass", "gravel", "a page of text",
                 "a grey cat sitting on a chair", "a man with a camera on a tripod", "the night sky"}
local counter = 0

request = function()
  counter = counter + 1
  local query = (queries[(counter % #queries) + 1]):gsub(" ", "%%20")
  return wrk.format("GET", "/search?q=" .. query .. "&k=10")
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_us=%d p99_us=%d errors=%d\n", summary.requests,
                         summary.duration / 1e6, latency:percentile(50), latency:percentile(99), errors))
end
