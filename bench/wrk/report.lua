-- report.lua: wrk's end-of-run summary as one JSON line for scripts/bench (prefix "BENCH ").
-- Status counts come from wrk's own "non-2xx/3xx" counter, so no per-response Lua runs.
function bench_report(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,' ..
      '"read_errors":%d,"write_errors":%d,"timeouts":%d,"non_2xx_3xx":%d,' ..
      '"latency_p50_us":%d,"latency_p99_us":%d,"latency_mean_us":%.1f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
      e.timeout, e.status, latency:percentile(50), latency:percentile(99), latency.mean))
end

done = bench_report
