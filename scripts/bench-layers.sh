#!/usr/bin/env bash
# Benchmarks imggit's layer filesystem against the raw pipeline and the peers, in one run:
#   - commit of a ~1 GiB layer (a 500 MB incompressible file + 500 MB of text), peak RSS
#   - extract of the whole root filesystem, cold (no index cache) and warm, beside
#     `tar -xzf` of the same layer blobs one after the other and `umoci unpack`
#   - show/diff on cached indexes with the layer blobs moved away (no layer bytes read)
# Prints a table with ratios. Usage: scripts/bench-layers.sh [WORKDIR] (default /tmp/imggit-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/imggit-bench}
rm -rf "$W" && mkdir -p "$W"
B=$(scripts/build-release.sh 2>/dev/null)
export IMGGIT_STORE=$W/store
export SOURCE_DATE_EPOCH=1735689600

. "$(dirname "$0")/bench-lib.sh"

echo "building inputs in $W ..." >&2
Tests/Fixtures/make-images.sh "$W/fixture" >/dev/null
"$B" import "oci:$W/fixture:base:1" >/dev/null
mkdir -p "$W/payload/text"
head -c 500000000 /dev/urandom > "$W/payload/model.bin"
for i in $(seq 1 50); do # yes dies of SIGPIPE when head has enough: not a failure here
  (set +o pipefail; yes "2025-01-01T00:00:00Z INFO request $i handled in 12ms by worker $((i % 7))" | head -c 10000000) \
    > "$W/payload/text/log-$i.txt"
done

measure "imggit-commit-1GiB" "$B" commit base:1 --add "$W/payload:/data" -m "COPY payload /data" -t big:1
rm -rf "$IMGGIT_STORE/.imggit/cache"
measure "imggit-extract-cold" "$B" extract big:1 -C "$W/x-cold"
rm -rf "$W/x-cold"
measure "imggit-extract-warm" "$B" extract big:1 -C "$W/x-warm"
rm -rf "$W/x-warm"

# The raw pipeline: every layer blob of big:1 through tar -xzf, lowest first.
manifest=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"=="big:1") | .digest' "$IMGGIT_STORE/index.json")
layers=$(jq -r '.layers[].digest' "$IMGGIT_STORE/blobs/sha256/${manifest#sha256:}")
mkdir -p "$W/x-tar"
cat > "$W/tar.sh" <<SH
for l in $(echo $layers | tr '\n' ' '); do tar -xzf "$IMGGIT_STORE/blobs/sha256/\${l#sha256:}" -C "$W/x-tar"; done
SH
measure "tar-xzf" bash "$W/tar.sh"
rm -rf "$W/x-tar"
measure "umoci-unpack" umoci --log error unpack --image "$IMGGIT_STORE:big:1" "$W/x-umoci"
rm -rf "$W/x-umoci"

# show and diff from cached indexes only: hide the layer blobs while they run.
for l in $layers; do mv "$IMGGIT_STORE/blobs/sha256/${l#sha256:}" "$W/"; done
measure "imggit-show-cached" "$B" show big:1 --stat
measure "imggit-diff-cached" "$B" diff base:1 big:1
for l in $layers; do mv "$W/${l#sha256:}" "$IMGGIT_STORE/blobs/sha256/"; done

echo
table
awk '{ t[$1] = $2 } END {
  printf "extract warm / tar -xzf: %.2fx   extract cold / tar -xzf: %.2fx   umoci unpack / tar -xzf: %.2fx\n",
    t["imggit-extract-warm"] / t["tar-xzf"], t["imggit-extract-cold"] / t["tar-xzf"], t["umoci-unpack"] / t["tar-xzf"]
}' "$W/results"
