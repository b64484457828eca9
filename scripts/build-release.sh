#!/usr/bin/env bash
# Builds the release imggit and prints its path. The Swift runtime is linked in statically:
# the binary then runs on machines without a Swift toolchain, and every command starts about
# 15 ms sooner (27 -> 15 ms for `imggit --version` here), which is most of what a tag or a
# reset costs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product imggit >&2
echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/imggit"
