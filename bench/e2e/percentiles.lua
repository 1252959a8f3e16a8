-- wrk script: print one machine-readable line with req/s and latency percentiles in ms:
-- RESULT rps p50 p99 p99.9 errors requests bytes_per_s p90 (the first five are what
-- proxy-vs-direct reads; the rest were added for bench/run-all).
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %.3f %.3f %.3f %d %d %.1f %.3f\n",
    summary.requests / secs,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.requests,
    summary.bytes / secs,
    latency:percentile(90) / 1000))
end
