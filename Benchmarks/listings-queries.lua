-- wrk script for Benchmarks/listings-search: rotates among realistic GET /api/v1/listings queries
-- of one kind (the first argument after `--`) and prints one machine-readable result line.
--   wrk -c 64 -t 2 -d 15s --latency -s listings-queries.lua http://127.0.0.1:PORT -- text

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

-- the same text searches, sent by a signed-in buyer (BENCH_TOKEN): saved flags are per viewer
kinds.text_buyer = kinds.text

local headers = {}

function init(args)
  local kind = args[1] or "browse"
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
