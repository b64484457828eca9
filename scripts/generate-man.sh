#!/usr/bin/env bash
# Regenerates docs/man/ (one page per command) from the command definitions with
# swift-argument-parser's generate-manual plugin; the date is pinned so the pages only change
# when the commands do. With --check DIR, writes to DIR instead (test.sh compares).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/man
[ "${1:-}" = "--check" ] && out=$2
mkdir -p "$out"
swift package --allow-writing-to-directory "$out" generate-manual --multi-page --date 2026-11-29 \
  --output-directory "$out" >/dev/null
