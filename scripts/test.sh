#!/usr/bin/env bash
# The whole test suite: installs what the tests need, checks formatting, builds, runs every
# test (Swift Testing; XCTest is not used, so it is disabled to keep the last line
# meaningful), then checks that the committed man pages match the commands.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
fresh=$(mktemp -d)
scripts/generate-man.sh --check "$fresh"
diff -r docs/man "$fresh" >/dev/null || { echo "docs/man is out of date: run scripts/generate-man.sh" >&2; exit 1; }
rm -rf "$fresh"
swift test --skip-build --disable-xctest "$@"
