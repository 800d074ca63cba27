-- wrk script for scripts/load-test.sh: GET /search with many distinct text queries, and one
-- machine-readable RESULT line at the end (requests, seconds, p50/p99 in microseconds, errors).
--
-- Each query is "[prefix] [adjective] subject [setting]", drawn from a fixed-seed random stream:
-- 4 × 31 × 48 × 26 = 154,752 distinct texts of 1 to 12 words, so a run of minutes repeats few of
-- them and a cache of answers (the server keeps none today) could not dominate the measurement.
-- Lengths vary as real queries do, which matters for dynamic batching (rows are padded to the
-- longest text in a model call).
local prefixes = {"", "a photo of", "picture of", "an image showing"}
local adjectives = {"", "a", "an old", "a small", "a large", "a grey", "a red", "a blue", "a bright", "a dark", "a blurry",
                    "a close-up of a", "a black and white", "a shiny", "a wooden", "a broken", "a happy", "a sleeping",
                    "a running", "two", "three", "many", "a tiny", "a metal", "a vintage", "a modern", "a dusty",
                    "a colourful", "a striped", "a spotted", "a famous"}
local subjects = {"cat", "kitten", "dog", "horse", "rocket", "astronaut", "moon", "camera", "cup of coffee", "coffee beans",
                  "motorcycle", "brick wall", "coins", "grass", "gravel", "page of text", "book", "logo", "man", "woman",
                  "child", "tripod", "chair", "table", "car", "bicycle", "tree", "flower", "mountain", "river", "beach",
                  "city street", "building", "window", "door", "clock", "telescope", "satellite", "planet", "star",
                  "bird", "fish", "boat", "train", "airplane", "road", "bridge", "field"}
local settings = {"", "at night", "in the snow", "on a table", "in a garden", "on the street", "in space", "under the sea",
                  "in the rain", "at sunset", "indoors", "outdoors", "on a sunny day", "in a museum", "on the moon",
                  "next to a window", "in black and white", "from above", "in the distance", "on a white background",
                  "with a person", "in a field of grass", "near the water", "in an old photograph", "on a desk",
                  "in a crowded market"}

local function pick(list) return list[math.random(#list)] end

local function urlencoded(text)
  return (text:gsub("[^%w%-%._~]", function(character) return string.format("%%%02X", string.byte(character)) end))
end

local thread_number = 0
setup = function(thread)
  thread_number = thread_number + 1
  thread:set("seed", 17 * thread_number)
end

init = function(arguments)
  math.randomseed(seed or 17)
end

request = function()
  local words = {}
  for _, part in ipairs({pick(prefixes), pick(adjectives), pick(subjects), pick(settings)}) do
    if part ~= "" then words[#words + 1] = part end
  end
  return wrk.format("GET", "/search?q=" .. urlencoded(table.concat(words, " ")) .. "&k=10")
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_us=%d p99_us=%d errors=%d\n", summary.requests,
                         summary.duration / 1e6, latency:percentile(50), latency:percentile(99), errors))
end
