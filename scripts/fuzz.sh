#!/usr/bin/env bash
# fuzz.sh [--seconds N] [TARGET...]
#
# Builds imggit-fuzz with libFuzzer (-sanitize=fuzzer, into .build-fuzz) and fuzzes each
# target (revision, json, layer, archive, registry: all by default) for N seconds (default 30), starting
# from the seed corpus in Tests/Fuzz/corpus/TARGET. A crash stops the run with its input
# saved as Tests/Fuzz/regressions/TARGET/crash-*: fix it, keep the file, and the test suite
# replays it from then on (FuzzRegressionTests). CI runs 20 seconds of each target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    revision|json|layer|archive|registry) targets+=("$1"); shift ;;
    *) echo "usage: $0 [--seconds N] [revision|json|layer|archive|registry...]" >&2; exit 64 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(revision json layer archive registry)
# lld: gold fails on libFuzzer's objects here.
swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
  --product imggit-fuzz 2>&1 \
  | grep -E "error|warning: unre|Compiling imggit_fuzz|Build complete" || true
fuzzer=.build-fuzz/debug/imggit-fuzz
[ -x "$fuzzer" ] || { echo "fuzz.sh: the fuzzer did not build" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$W/$t" "Tests/Fuzz/regressions/$t"
  cp Tests/Fuzz/corpus/"$t"/* "$W/$t"/
  echo "fuzz.sh: $t for ${seconds}s"
  if ! IMGGIT_FUZZ_TARGET=$t "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
      -artifact_prefix="Tests/Fuzz/regressions/$t/" "$W/$t" > "$W/$t.log" 2>&1; then
    tail -30 "$W/$t.log" >&2
    echo "fuzz.sh: $t crashed; the input is in Tests/Fuzz/regressions/$t/" >&2
    exit 1
  fi
  grep -E "^Done|#[0-9]+.*DONE" "$W/$t.log" | tail -1
done
