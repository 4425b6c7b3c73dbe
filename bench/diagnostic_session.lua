-- diagnostic_session.lua - wrk script for bench/diagnostic.sh: each
-- connection runs whole self-diagnostics over HTTP, as a browser without
-- JavaScript does: POST /diagnostic (CSRF) -> 303, then for each question
-- GET the page and POST an answer (-> 303), then the commune step, then
-- GET the result page (with its nearby places). Answers: the good one up
-- to level LEVEL, "je ne sais pas" above; profile questions: first option.
-- Run with as many connections as threads (-tN -cN): the state machine is
-- per thread, one request at a time.
--   wrk -t4 -c4 -d10s -s bench/diagnostic_session.lua URL -- COOKIE TOKEN BANK.tsv [LEVEL]
-- BANK.tsv: "question<TAB>type<TAB>level<TAB>good option" (made by diagnostic.sh).
local cookie, token, level
local good, kind, qlevel = {}, {}, {}
local state, loc, question = "start", nil, nil
sessions, failures = 0, 0 -- globals: read by done() through thread:get()

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  cookie, token = args[1], args[2]
  level = tonumber(args[4] or "1")
  for line in io.lines(args[3]) do
    local q, t, l, g = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]*)$")
    if q then kind[q], qlevel[q], good[q] = t, tonumber(l), g end
  end
end

local function headers()
  return { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }
end

local function post(path, body)
  return wrk.format("POST", path, headers(), body .. "&csrf=" .. token)
end

function request()
  if state == "start" then
    return post("/diagnostic", "langue=fr")
  elseif state == "page" then
    return wrk.format("GET", loc, { ["Cookie"] = cookie })
  elseif state == "answer" then
    local o
    if kind[question] == "profil" then o = good[question]
    elseif qlevel[question] <= level then o = good[question]
    else o = "nsp" end
    return post(loc, "q=" .. question .. "&o=" .. o)
  elseif state == "finish" then
    return post(loc, "action=terminer&ou=Marseille")
  else -- result
    return wrk.format("GET", loc .. "/resultat", { ["Cookie"] = cookie })
  end
end

function response(status, hdrs, body)
  if state == "start" then
    if status == 303 then loc = hdrs["Location"]; state = "page" else failures = failures + 1 end
  elseif state == "page" then
    question = body:match('name="q" value="([^"]+)"')
    if question then state = "answer"
    elseif status == 200 then state = "finish"
    else failures = failures + 1; state = "start" end
  elseif state == "answer" then
    if status ~= 303 then failures = failures + 1 end
    state = "page"
  elseif state == "finish" then
    state = status == 303 and "result" or "start"
  else
    if status == 200 and body:find("diag%-lieux") then sessions = sessions + 1 else failures = failures + 1 end
    state = "start"
  end
end

function done(summary, latency, requests)
  local s, f = 0, 0
  for _, t in ipairs(threads) do
    s = s + (t:get("sessions") or 0); f = f + (t:get("failures") or 0)
  end
  io.write(string.format("sessions=%d failures=%d\n", s, f))
end
