-- charge.lua - wrk script for bench/charge.sh: a mix of reads and
-- authenticated writes, like a day of use.
--   80 %  GET /api/v1/lieux?lat=..&lon=..  (nearest places of varying points)
--   10 %  GET /lieu/ID                    (a place's page)
--   10 %  PUT /api/v1/sources/charge/lieux/cN with a producer's token
--         (a place in the national standard; new ids and updates mixed)
-- Arguments (after --): TOKEN POINTS.csv MAXPID
-- Statuses are counted per class in response(); done() prints them, so a
-- single 4xx/5xx shows.
local token, pts, maxpid
local points = {}
local counts = {}
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  token, pts, maxpid = args[1], args[2], tonumber(args[3] or "8000")
  for line in io.lines(pts) do
    local lat, lon = line:match("^%d+,([-%d.]+),([-%d.]+)$")
    if lat then points[#points + 1] = {lat, lon} end
    if #points >= 2000 then break end
  end
  math.randomseed(os.time() * 1000 + tid)
  s2, s3, s4, s5 = 0, 0, 0, 0
end

local body_fmt = '{"pivot":"12345678901234","nom":"Lieu de charge %d","commune":"Foix",'
  .. '"code_postal":"09000","code_insee":"09122","adresse":"%d rue de la Charge",'
  .. '"latitude":42.96,"longitude":1.60,"date_maj":"2026-11-%02d",'
  .. '"services":"Aide aux démarches administratives"}'

function request()
  local r = math.random(100)
  if r <= 80 then
    local p = points[math.random(#points)]
    return wrk.format("GET", "/api/v1/lieux?lat=" .. p[1] .. "&lon=" .. p[2] .. "&limite=10")
  elseif r <= 90 then
    return wrk.format("GET", "/lieu/" .. math.random(maxpid))
  else
    local n = math.random(500) -- a bounded set: after warm-up, writes are updates
    local day = math.random(28)
    return wrk.format("PUT", "/api/v1/sources/charge/lieux/t" .. tid .. "-" .. n,
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
      string.format(body_fmt, n, n, day))
  end
end

function response(status, headers, body)
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then
    -- 404: /lieu/ID of an id that is not a published place (ids have gaps);
    -- 409: a PUT whose date_maj is older than the stored one (the random
    -- day): the API's intended answer, not an error of the server.
    if status == 404 or status == 409 then s2 = s2 + 1 else s4 = s4 + 1 end
  else s5 = s5 + 1 end
end

function done(summary, latency, requests)
  local a, b, c, d = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("s2"); b = b + t:get("s3"); c = c + t:get("s4"); d = d + t:get("s5")
  end
  io.write(string.format("statuses: ok=%d 3xx=%d 4xx=%d 5xx=%d\n", a, b, c, d))
end
