#!/usr/bin/env bash
# The whole test suite: installs what the tests need, checks formatting, builds, checks that
# the committed man pages match the commands, runs the crash harness (100 kills) and a short
# fuzzing run of every target, then every test (Swift Testing; XCTest is not used, so it is
# disabled to keep the last line meaningful). Set IMGGIT_QUICK=1 to skip the harness and the
# fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
fresh=$(mktemp -d)
scripts/generate-man.sh --check "$fresh"
diff -r docs/man "$fresh" >/dev/null || { echo "docs/man is out of date: run scripts/generate-man.sh" >&2; exit 1; }
rm -rf "$fresh"
if [ -z "${IMGGIT_QUICK:-}" ]; then
  scripts/crash-harness.sh --kills 100
  scripts/fuzz.sh --seconds 20
fi
swift test --skip-build --disable-xctest "$@"
