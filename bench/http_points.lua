-- http_points.lua - wrk script for bench/http.sh: GET /api/v1/lieux with a
-- query point that changes at every request, taken in turn from the first
-- MAX points of a "i,lat,lon" CSV (bench/gen_lieux.py points).
--   wrk -s bench/http_points.lua http://127.0.0.1:18080 -- POINTS.csv [MAX]
-- Requests are built once per thread in init(); each thread starts at its
-- own random offset so that the threads do not ask the same point together.
local reqs = {}
local n = 0
local i = 0

function init(args)
  local file = args[1] or "bench/out/data/points-10000.csv"
  local max = tonumber(args[2] or "1000")
  for line in io.lines(file) do
    local lat, lon = line:match("^%d+,([-%d.]+),([-%d.]+)$")
    if lat then
      n = n + 1
      reqs[n] = wrk.format("GET", "/api/v1/lieux?lat=" .. lat .. "&lon=" .. lon .. "&limite=10")
      if n >= max then break end
    end
  end
  if n == 0 then error("http_points.lua: no points in " .. file) end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  i = math.random(n) - 1
end

function request()
  i = i % n + 1
  return reqs[i]
end
