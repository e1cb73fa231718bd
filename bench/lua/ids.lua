-- A POST per request, each to the next id of a file (BENCH_IDS), with the
-- bearer token (BENCH_TOKEN): BENCH_PATH has "%d" where the id goes, and
-- BENCH_BODY (optional) likewise. Every thread starts at its own offset.
local ids = {}
local path_fmt = os.getenv("BENCH_PATH")
local body_fmt = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_IDS")) do
  if line ~= "" then ids[#ids + 1] = line end
end
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * math.floor(#ids / 8))
  threads = threads + 1
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = body_fmt and string.format(body_fmt, id) or ""
  return wrk.format("POST", string.format(path_fmt, id), {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
