#!/usr/bin/env bash
# The whole test suite: installs what the tests need, builds, runs every test (Swift
# Testing; XCTest is not used, so it is disabled to keep the last line meaningful).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
