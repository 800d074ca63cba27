#!/usr/bin/env bash
# Issue 18's ingest goal on real images: `clipkit index --distributed` with 1 worker process, then
# 2, each with one compute thread (CLIPKIT_NUM_THREADS=1: a worker stands in for one machine), the
# default model, into a fresh PostgreSQL database each time; prints images/s for both, the ratio
# (goal: >= 1.8), and the CPU time of the workers and of PostgreSQL's processes
# (clipkit-bench distributed-ingest). A bulk load: the HNSW index is built once after the last batch.
#
#   scripts/distributed-ingest-benchmark.sh                 # 2,000 images in /tmp/clipkit-ingest-images
#   IMAGES=4000 BUILD=.build-x scripts/distributed-ingest-benchmark.sh
#
# Needs a release build (swift build -c release; BUILD names its folder, default .build) and the
# PostgreSQL of scripts/setup.sh: a server already running on CLIPKIT_POSTGRES_PORT (default 55432)
# is used, else one is started here and stopped at the end. Run it on a quiet machine: the ratio
# measures how the embedding work splits across cores, which other work on them distorts.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGES="${IMAGES:-2000}"
BUILD="${BUILD:-.build}"
FOLDER="${FOLDER:-/tmp/clipkit-ingest-images}"
PHOTOS="${CLIPKIT_HOME:-$HOME/.cache/clipkit}/packages/skimage/data"
BENCH="$BUILD/release/clipkit-bench"

[ -x "$BENCH" ] && [ -x "$BUILD/release/clipkit" ] \
    || { echo "distributed-ingest-benchmark: no $BENCH or clipkit: swift build -c release --scratch-path $BUILD" >&2; exit 1; }
if [ "$(find "$FOLDER" -name '*.pgm' 2>/dev/null | wc -l)" -ne "$IMAGES" ]; then
    rm -rf "$FOLDER"
    python3 scripts/load_test_images.py --photos "$PHOTOS" --out "$FOLDER" --count "$IMAGES"
fi
started=""
if ! url=$(scripts/test-postgres.sh url 2>/dev/null) || ! "${CLIPKIT_HOME:-$HOME/.cache/clipkit}/pgserver/pgserver/pginstall/bin/pg_isready" -q -d "$url"; then
    url=$(scripts/test-postgres.sh start)
    started=1
fi
trap 'if [ -n "$started" ]; then scripts/test-postgres.sh stop; fi' EXIT
"$BENCH" distributed-ingest --postgres "$url" --images "$FOLDER" --workers 1,2 --threads-per-worker 1
