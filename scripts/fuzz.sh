#!/usr/bin/env bash
# Long fuzzing runs of issue 13 (not part of `make test`; the bounded CI part is FuzzTargetTests).
# Builds clipkit-fuzz with libFuzzer and AddressSanitizer (+ LeakSanitizer) and runs each target
# from its seeds (built-in inputs + Tests/Fixtures files), keeping the corpus in .fuzz/<target>.
#
#   scripts/fuzz.sh                  every target, 1,000,000 executions each
#   FUZZ_RUNS=200000 scripts/fuzz.sh image csv
#   FUZZ_SECONDS=600 scripts/fuzz.sh      at most 10 minutes per target (whichever limit comes first)
#
# A crash, leak, timeout (10 s) or out-of-memory (2 GB) stops a target and leaves the input in
# .fuzz/findings/<target>/; replay it with a plain build: `swift run clipkit-fuzz <target> FILE`.
# Each target runs on one thread (CLIPKIT_NUM_THREADS=1: libFuzzer runs one input at a time, and
# a second core is better spent on a second target: `scripts/fuzz.sh image & scripts/fuzz.sh http`).
# Targets: safetensors pickle torch-checkpoint image csv coco jsonl http (http needs the default
# model installed by scripts/setup.sh: it answers requests through the server's routes).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${FUZZ_RUNS:-1000000}
seconds=${FUZZ_SECONDS:-0}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(safetensors pickle torch-checkpoint image csv coco jsonl http); fi

swift build -c release --product clipkit-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
binary=.build-fuzz/release/clipkit-fuzz

status=0
for target in "${targets[@]}"; do
    corpus=.fuzz/$target
    findings=.fuzz/findings/$target
    mkdir -p "$corpus" "$findings"
    echo "== $target: $runs executions (log .fuzz/$target.log)"
    # libFuzzer checks for leaks after every input that allocated more than it freed, by scanning
    # the whole heap. The http target's heap holds the default model's tokenizer files and the
    # server (~600 MB), and its caches grow on purpose, so that scan ran on most inputs and cost
    # ~0.2 s each (5 inputs/s). For it, LeakSanitizer checks once, when the run ends.
    leaks=1
    if [ "$target" = http ]; then leaks=0; fi
    set +e
    CLIPKIT_NUM_THREADS=1 CLIPKIT_FUZZ_TARGET=$target CLIPKIT_FUZZ_CORPUS=$corpus CLIPKIT_FUZZ_FIXTURES=Tests/Fixtures \
        ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=scripts/fuzz-leak-suppressions.txt:print_suppressions=0 \
        "$binary" "$corpus" -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$findings/" -print_final_stats=1 -detect_leaks=$leaks > ".fuzz/$target.log" 2>&1
    code=$?
    set -e
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)|==ERROR|^SUMMARY" ".fuzz/$target.log" || true
    if [ $code -ne 0 ]; then
        echo "!! $target: libFuzzer exited with $code: a finding, see .fuzz/$target.log and $findings/"
        status=1
    fi
done
exit $status
