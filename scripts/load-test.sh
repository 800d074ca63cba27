#!/usr/bin/env bash
# Load test of `clipkit serve` (issue 17): builds a store (or reuses WORK's), serves it on loopback
# and runs text search with wrk at 1, 16 and 64 connections (dynamic batching on), then 16
# connections with batching off, printing throughput, p50/p99 latency, errors, the load average
# after each run, the server's CPU time per query (user + system: what the load average does not
# distort much) and its RSS before and after (sampled every 30 s into WORK/rss.log).
# Bounded in time: DURATION per run (default 20s). Not part of `make test`; needs Debian's wrk
# (scripts/setup.sh installs it) and a release build of clipkit.
#
#   scripts/load-test.sh                                              # 10,000 images, 20 s per run
#   WORK=/tmp/clipkit-load scripts/load-test.sh                       # keep the store for the next run
#   WORK=/tmp/clipkit-load CONNECTIONS=16 UNBATCHED=0 DURATION=300s scripts/load-test.sh   # the 5-minute RSS run
#
# The store's images are made by scripts/load_test_images.py: 96×96 grey crops of scikit-image's
# sample photos (random crop, mirror and brightness), indexed with the default model. The queries
# (scripts/load-test.lua) are drawn from 154,752 distinct texts of 1 to 12 words.
# The machine's load average is printed beside each run: other work on the cores lowers the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGES="${IMAGES:-10000}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
UNBATCHED="${UNBATCHED:-1}"   # 1: a last run at 16 connections with batching off
THREADS="${THREADS:-1}"       # clipkit serve --threads: compute threads per model call or search
PORT="${PORT:-18080}"
CLIPKIT="${CLIPKIT:-.build/release/clipkit}"
WORK="${WORK:-$(mktemp -d /tmp/clipkit-load.XXXXXX)}"
PHOTOS="${CLIPKIT_HOME:-$HOME/.cache/clipkit}/packages/skimage/data"

command -v wrk >/dev/null || { echo "load-test: wrk is missing (scripts/setup.sh installs it)" >&2; exit 1; }
[ -x "$CLIPKIT" ] || { echo "load-test: no $CLIPKIT; build with swift build -c release (or set CLIPKIT=path)" >&2; exit 1; }

if [ ! -f "$WORK/store.db" ]; then
    echo "load-test: making $IMAGES images in $WORK/images"
    python3 scripts/load_test_images.py --photos "$PHOTOS" --out "$WORK/images" --count "$IMAGES"
    echo "load-test: indexing them"
    start=$(date +%s.%N)
    "$CLIPKIT" index "$WORK/images" --db "$WORK/store.db" >/dev/null
    echo "load-test: indexed $IMAGES images in $(awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { printf "%.0f", end - start }') s"
fi

server=""
sampler=""
stop_server() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi; }
trap 'if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; fi; stop_server' EXIT

start_server() {   # start_server BATCH_WINDOW_MS
    "$CLIPKIT" serve --db "$WORK/store.db" --port "$PORT" --batch-window-ms "$1" --threads "$THREADS" 2>"$WORK/server.log" &
    server=$!
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "load-test: the server did not start; its log:" >&2
    cat "$WORK/server.log" >&2
    exit 1
}

rss() { awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$server/status"; }
load() { cut -d ' ' -f 1-3 /proc/loadavg; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }   # the server's user + system CPU time

sample_rss() {   # one line every 30 s while the server runs: seconds since start, RSS
    local start=$SECONDS
    while kill -0 "$server" 2>/dev/null; do
        echo "$((SECONDS - start)) s $(rss)" >>"$WORK/rss.log"
        sleep 30
    done
}

run() {   # run LABEL CONNECTIONS
    local output ticks
    ticks=$(cpu_ticks)
    output=$(wrk -t 1 -c "$2" -d "$DURATION" --timeout 10s -s scripts/load-test.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
    ticks=$(( $(cpu_ticks) - ticks ))
    # RESULT requests=N seconds=S p50_us=A p99_us=B errors=E; CPU ms per query from the server's CPU time
    echo "$output" | awk -v label="$1" -v connections="$2" -v load="$(load)" -v ticks="$ticks" -v hertz="$(getconf CLK_TCK)" '{
        for (i = 2; i <= NF; i++) { split($i, pair, "="); value[pair[1]] = pair[2] }
        printf "| %s | %d | %.1f | %.1f | %.1f | %d | %.2f | %s |\n", label, connections, value["requests"] / value["seconds"],
               value["p50_us"] / 1000, value["p99_us"] / 1000, value["errors"], 1000 * ticks / hertz / value["requests"], load
    }'
}

start_server 3
embedded=$(curl -sf "http://127.0.0.1:$PORT/readyz" | grep -o '"embeddings":[0-9]*' | cut -d: -f2)
echo "load-test: store $WORK/store.db ($embedded images), $DURATION per run, --threads $THREADS, $(nproc) cores:" \
     "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load-test: load average before: $(load)"
echo
echo "| batching | connections | queries/s | p50 ms | p99 ms | errors | server CPU ms per query | load average after (1, 5, 15 min) |"
echo "|---|---|---|---|---|---|---|---|"
curl -sf "http://127.0.0.1:$PORT/search?q=warm%20up&k=10" >/dev/null
before=$(rss)
: >"$WORK/rss.log"
sample_rss &
sampler=$!
for connections in $CONNECTIONS; do run "3 ms window, 32 max" "$connections"; done
after=$(rss)
calls=$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^clipkit_text_model_calls/ { print $2 }')
inputs=$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^clipkit_text_model_inputs/ { print $2 }')
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
stop_server
if [ "$UNBATCHED" = 1 ]; then
    start_server 0
    run "off" 16
    stop_server
fi
echo
echo "server RSS (batching on): $before after warm-up, $after after the runs ($CONNECTIONS connections, $DURATION each)"
echo "RSS every 30 s: $(tr '\n' ';' <"$WORK/rss.log" | sed 's/;$//; s/;/; /g')"
echo "text model calls: $calls for $inputs queries (mean batch $(awk -v calls="$calls" -v inputs="$inputs" 'BEGIN { printf "%.2f", inputs / calls }'))"
