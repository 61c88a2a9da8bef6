-- sigv4_pool.lua: the SigV4 point's load (scripts/bench). Each request is one of a pool of
-- requests pre-signed with a known key by bench/sigv4_pool.py (botocore's signer), so every
-- request carries a fresh signature over a different canonical request and the server has to
-- verify each one; wrk's LuaJIT has no HMAC, and signing in the load generator would take
-- CPU from the server on a 2-core machine. The pool file has one request per line:
-- path<TAB>x-amz-date<TAB>authorization. Thread k of T uses lines k, k+T, k+2T, ... and
-- counts how often it had to wrap around (reused signatures), which scripts/bench reports.
-- Environment: BENCH_DIR (the bench/ folder), BENCH_POOL (the pool file), BENCH_HOST,
-- BENCH_THREADS (wrk -t).
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   local host = os.getenv("BENCH_HOST")
   pool = {}
   for line in io.lines(os.getenv("BENCH_POOL")) do
      local path, date, auth = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
      table.insert(pool, wrk.format("GET", path, {
         ["Host"] = host, ["X-Amz-Date"] = date, ["Authorization"] = auth }))
   end
   nthreads = tonumber(os.getenv("BENCH_THREADS")) or 1
   idx = tid + 1
   wraps = 0
end

function request()
   local r = pool[idx]
   idx = idx + nthreads
   if idx > #pool then
      idx = tid + 1
      wraps = wraps + 1
   end
   return r
end

function done(summary, latency, requests)
   local w = 0
   for _, t in ipairs(threads) do w = w + (t:get("wraps") or 0) end
   io.write(string.format('BENCH_POOL {"wraps":%d}\n', w))
   bench_report(summary, latency, requests)
end
