#!/usr/bin/env bash
# Installs the Debian packages imggit builds with (libarchive, libgit2, libisal, libdeflate, libzstd) and the peers and
# tools its tests and demo run against (umoci, skopeo, podman, git, jq, zstd; strace for the
# crash harness; tmux, zsh and fish for the completion tests; docker-registry, apache2-utils
# (htpasswd) and openssl for the registry tests). With --bench, also what the benchmark
# scripts compare against and plot with (pigz, bc, gnuplot). Needs root or sudo.
set -euo pipefail
packages=(
  libarchive-dev libgit2-dev libisal-dev isal libdeflate-dev libzstd-dev pkg-config umoci skopeo podman git jq zstd attr python3 tmux zsh fish strace
  e2fsprogs docker-registry apache2-utils openssl curl)
[ "${1:-}" = --bench ] && packages+=(pigz bc gnuplot-nox)
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
