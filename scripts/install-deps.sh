#!/usr/bin/env bash
# Installs the Debian packages imggit builds with (libarchive, libgit2) and the peers its
# tests and demo run against (umoci, skopeo, git, jq, zstd). Needs root or sudo.
set -euo pipefail
packages=(libarchive-dev libgit2-dev pkg-config umoci skopeo git jq zstd attr python3 tmux zsh fish)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
