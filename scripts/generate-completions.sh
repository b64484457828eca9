#!/usr/bin/env bash
# Regenerates completions/ from the built binary (the tests fail when they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -q --product imggit
bin=$(swift build --show-bin-path)/imggit
for shell in bash zsh fish; do
  "$bin" --generate-completion-script "$shell" > "completions/imggit.$shell"
done
echo "completions/ regenerated"
