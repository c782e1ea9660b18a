-- wrk script for Benchmarks/listings-search: rotates among realistic GET /api/v1/listings queries
-- of one kind (the first argument after `--`) and prints one machine-readable result line.
--   wrk -c 64 -t 2 -d 15s --latency -s listings-queries.lua http://127.0.0.1:PORT -- text
--
-- The distinct_* kinds never repeat a request, so no answer or page cache can help: each thread
-- generates requests at random (text from BENCH_WORDS, a file of the data's most common words, one
-- a line; random filters, bands, sorts and pages), skips any it has sent before, and keeps only
-- those whose hash falls to it (the second argument is the number of threads), so no two threads
-- send the same one either.
--   distinct_text     1-3 words, some with filters, a sort and a page 1-10
--   distinct_filters  business types, region, price and revenue bands, sort, page 1-10
--   distinct_browse   sort, page size and page only
--   distinct_mixed    45% distinct_text, 35% distinct_filters, 20% distinct_browse

local kinds = {
  -- full-text search narrowed by filters (relevance order unless a sort is given)
  text_filters = {
    "q=dental&region=Yorkshire&min_price=300000",
    "q=pharmacy&region=London&max_price=1500000",
    "q=care%20home&region=North%20West&min_price=1000000",
    "q=nhs%20contract&region=South%20East",
    "q=optician&region=Scotland&sort=price_asc",
    "q=dental&business_type=dental_practice&min_revenue=500000&sort=newest",
    "q=physiotherapy&region=London",
    "q=pharmacy&business_type=pharmacy&region=Wales&max_price=900000",
    "q=freehold&business_type=care_home&min_price=2000000",
    "q=vaccination&region=Yorkshire&sort=price_desc",
    "q=dementia&region=Scotland",
    "q=private%20dental&region=London&max_price=2000000&page=2",
  },
  -- full-text search alone
  text = {
    "q=pharmacy",
    "q=nhs%20contract",
    "q=dental",
    "q=care%20home",
    "q=veterinary",
    "q=pharm",
    "q=implants",
    "q=nhs%20contract&sort=newest",
    "q=pharmacy%20leeds",
    "q=retiring&sort=price_asc",
    "q=dental&page=3",
    "q=optician",
  },
  -- filters alone: two business types, and one with a region or a price range
  filters = {
    "business_type=pharmacy&business_type=optician",
    "business_type=dental_practice&business_type=gp_practice",
    "business_type=care_home&business_type=clinic&sort=price_asc",
    "business_type=veterinary_practice&business_type=other&sort=price_desc",
    "business_type=pharmacy&business_type=dental_practice&region=London",
    "business_type=optician&business_type=clinic&min_price=200000&max_price=600000",
    "business_type=gp_practice&business_type=care_home&page=2",
    "business_type=pharmacy&business_type=optician&min_revenue=1000000&sort=newest",
  },
  -- plain browse: newest first and by price, first pages
  browse = {
    "",
    "page=2",
    "sort=price_asc",
    "sort=price_desc",
    "page=5",
    "sort=newest&per_page=50",
  },
}

local paths
local counter = 0
local generator = nil

-- distinct requests ------------------------------------------------------------------------------
local words = {}
local seen = {}
local threads = 2
-- thread_index is a global that setup() gives each thread
local types = { "pharmacy", "dental_practice", "gp_practice", "optician", "clinic", "care_home",
  "veterinary_practice", "other" }
local regions = { "London", "South%20East", "South%20West", "East%20of%20England", "West%20Midlands",
  "East%20Midlands", "Yorkshire", "North%20West", "North%20East", "Scotland", "Wales", "Northern%20Ireland" }
local sorts = { "newest", "price_asc", "price_desc" }

local function pick(list) return list[math.random(#list)] end

local function type_filters()
  local parts = { "business_type=" .. pick(types) }
  if math.random() < 0.5 then parts[2] = "business_type=" .. pick(types) end
  return table.concat(parts, "&")
end

local function price_band()
  local low = math.random(0, 60) * 25000
  local parts = {}
  if math.random() < 0.7 then parts[#parts + 1] = "min_price=" .. low end
  if math.random() < 0.7 then parts[#parts + 1] = "max_price=" .. (low + math.random(4, 120) * 25000) end
  if #parts == 0 then parts[1] = "min_price=" .. low end
  return table.concat(parts, "&")
end

local function revenue_band()
  local low = math.random(0, 40) * 50000
  if math.random() < 0.5 then return "min_revenue=" .. low end
  return "min_revenue=" .. low .. "&max_revenue=" .. (low + math.random(4, 80) * 50000)
end

local function page() return "page=" .. math.random(1, 10) end

local function distinct_text()
  local n = math.random(1, 3)
  local q = {}
  for i = 1, n do q[i] = pick(words) end
  local parts = { "q=" .. table.concat(q, "%20") }
  if math.random() < 0.4 then
    local r = math.random()
    if r < 0.4 then parts[#parts + 1] = "region=" .. pick(regions)
    elseif r < 0.7 then parts[#parts + 1] = type_filters()
    else parts[#parts + 1] = price_band() end
  end
  if math.random() < 0.3 then parts[#parts + 1] = "sort=" .. pick(sorts) end
  parts[#parts + 1] = page()
  return table.concat(parts, "&")
end

local function distinct_filters()
  local parts = {}
  if math.random() < 0.7 then parts[#parts + 1] = type_filters() end
  if math.random() < 0.5 then parts[#parts + 1] = "region=" .. pick(regions) end
  if math.random() < 0.5 then parts[#parts + 1] = price_band() end
  if math.random() < 0.25 then parts[#parts + 1] = revenue_band() end
  if #parts == 0 then parts[1] = type_filters() end
  if math.random() < 0.75 then parts[#parts + 1] = "sort=" .. pick(sorts) end
  parts[#parts + 1] = page()
  return table.concat(parts, "&")
end

local function distinct_browse()
  local parts = {}
  if math.random() < 0.75 then parts[#parts + 1] = "sort=" .. pick(sorts) end
  parts[#parts + 1] = "per_page=" .. math.random(2, 100)
  parts[#parts + 1] = "page=" .. math.random(1, 500)
  return table.concat(parts, "&")
end

local function distinct_mixed()
  local r = math.random()
  if r < 0.45 then return distinct_text() end
  if r < 0.80 then return distinct_filters() end
  return distinct_browse()
end

local function hash(s)
  local h = 5381
  for i = 1, #s do h = (h * 33 + s:byte(i)) % 2147483647 end
  return h
end

-- the next request of `make` that no thread has sent
local function fresh(make)
  for _ = 1, 1000 do
    local query = make()
    if seen[query] == nil and hash(query) % threads == thread_index then
      seen[query] = true
      return query
    end
  end
  error("no fresh request left")
end

local distinct = {
  distinct_text = distinct_text, distinct_filters = distinct_filters,
  distinct_browse = distinct_browse, distinct_mixed = distinct_mixed,
}

local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

-- the same text searches, sent by a signed-in buyer (BENCH_TOKEN): saved flags are per viewer
kinds.text_buyer = kinds.text

local headers = {}

function init(args)
  local kind = args[1] or "browse"
  if distinct[kind] then
    threads = tonumber(args[2] or "2")
    thread_index = thread_index or 0
    math.randomseed(os.time() * 1000 + thread_index * 7919 + math.floor(os.clock() * 1e6))
    local file = assert(io.open(os.getenv("BENCH_WORDS") or "", "r"), "distinct kinds need BENCH_WORDS, a file of words")
    for line in file:lines() do
      if line ~= "" then words[#words + 1] = line end
    end
    file:close()
    generator = distinct[kind]
    return
  end
  paths = kinds[kind]
  if paths == nil then
    error("unknown query kind: " .. kind)
  end
  if kind == "text_buyer" then
    local token = os.getenv("BENCH_TOKEN")
    if token == nil or token == "" then
      error("text_buyer needs BENCH_TOKEN, a buyer's access token")
    end
    headers["Authorization"] = "Bearer " .. token
  end
  -- threads start at different places in the rotation
  counter = math.random(#paths)
end

function request()
  if generator then
    return wrk.format("GET", "/api/v1/listings?" .. fresh(generator), headers)
  end
  counter = counter + 1
  local query = paths[(counter % #paths) + 1]
  local path = "/api/v1/listings"
  if query ~= "" then
    path = path .. "?" .. query
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, failed))
end
