#!/usr/bin/env bash
# Benchmarks history rewriting on the shared corpus's app-big:1 (40 layers, ~1 GiB of tar),
# beside the raw pipeline and umoci in the same run, and prints a table with ratios:
#   - merge --squash (flatten) with gzip (ISA-L, the default; and zlib with --level 6) and
#     with zstd, cold (right after import: no index cache) and warm
#   - raw pipelines: every layer decompressed and hashed, into pigz -6 -p2 / igzip -1 -T2 /
#     zstd -3 -T0, hashed; and gzip -6 of the same tar, for the output size
#   - umoci: unpack, then repack the tree as a one-layer image
#   - tag / reset / rebase, which must read no layer bytes
#   - mirror of app-big:1 into git (first run, incremental rerun, with --content)
# Usage: scripts/bench-history.sh CORPUS_LAYOUT   (made by ../shared/corpus/mkcorpus.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(realpath "$1")
W=${BENCH_DIR:-/tmp/imggit-bench-history}
rm -rf "$W" && mkdir -p "$W"
for t in pigz igzip zstd umoci jq; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
swift build -c release --product imggit >/dev/null
B=$(swift build -c release --show-bin-path)/imggit
export IMGGIT_STORE=$W/store SOURCE_DATE_EPOCH=1735689600
. "$(dirname "$0")/bench-lib.sh"

"$B" import "oci:$CORPUS" >/dev/null
manifest=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"=="app-big:1") | .digest' "$IMGGIT_STORE/index.json")
blobs=$(jq -r '.layers[].digest' "$IMGGIT_STORE/blobs/sha256/${manifest#sha256:}" | sed "s|sha256:|$IMGGIT_STORE/blobs/sha256/|" | tr '\n' ' ')

cat > "$W/raw-gzip.sh" <<SH
set -o pipefail
for b in $blobs; do pigz -dc "\$b"; done | tee >(sha256sum >/dev/null) | pigz -6 | sha256sum >/dev/null
SH
cat > "$W/raw-isal.sh" <<SH
set -o pipefail
for b in $blobs; do igzip -dc "\$b"; done | tee >(sha256sum >/dev/null) | igzip -1 -T2 -c | sha256sum >/dev/null
SH
cat > "$W/raw-zstd.sh" <<SH
set -o pipefail
for b in $blobs; do pigz -dc "\$b"; done | tee >(sha256sum >/dev/null) | zstd -3 -T0 -q -c | sha256sum >/dev/null
SH
measure raw-pipeline-gzip bash "$W/raw-gzip.sh"
measure raw-pipeline-isal bash "$W/raw-isal.sh"
measure raw-pipeline-zstd bash "$W/raw-zstd.sh"

rm -rf "$IMGGIT_STORE/.imggit/cache"
measure imggit-squash-gzip-cold "$B" merge --squash app-big:1 -t flat:gzip-cold
measure imggit-squash-gzip-warm "$B" merge --squash app-big:1 -t flat:gzip
measure imggit-squash-zlib6-warm "$B" merge --squash app-big:1 -t flat:zlib6 --level 6
measure imggit-squash-zstd-warm "$B" merge --squash app-big:1 -t flat:zstd --compression zstd

# Output sizes: imggit's gzip layer against gzip -6 of the very same tar.
top_layer() { # TAG -> path of the squashed layer's blob
  local m; m=$(jq -r --arg t "$1" '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"==$t) | .digest' "$IMGGIT_STORE/index.json")
  jq -r '.layers[-1].digest' "$IMGGIT_STORE/blobs/sha256/${m#sha256:}" | sed "s|sha256:|$IMGGIT_STORE/blobs/sha256/|"
}
isal_size=$(stat -c %s "$(top_layer flat:gzip)")
gzip6_size=$(igzip -dc "$(top_layer flat:gzip)" | gzip -6 | wc -c)

cat > "$W/umoci.sh" <<SH
set -e
umoci --log error unpack --image "$IMGGIT_STORE:app-big:1" "$W/u-big"
umoci --log error new --image "$IMGGIT_STORE:u-flat"
umoci --log error unpack --image "$IMGGIT_STORE:u-flat" "$W/u-flat"
cp -a "$W/u-big/rootfs/." "$W/u-flat/rootfs/"
umoci --log error repack --image "$IMGGIT_STORE:u-flat" "$W/u-flat"
SH
measure umoci-unpack-repack bash "$W/umoci.sh"
rm -rf "$W/u-big" "$W/u-flat"

if command -v buildah >/dev/null; then # optional peer: apt-get install buildah
  export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
  cat > "$W/buildah.sh" <<SH
set -e
ctr=\$(buildah --root "$W/buildah-root" --runroot "$W/buildah-run" from "oci:$IMGGIT_STORE:app-big:1")
buildah --root "$W/buildah-root" --runroot "$W/buildah-run" commit --squash -q "\$ctr" "oci:$W/buildah-out:flat"
SH
  measure buildah-from-commit-squash bash "$W/buildah.sh"
  rm -rf "$W/buildah-root" "$W/buildah-run" "$W/buildah-out"
fi

measure imggit-tag-intermediate "$B" tag big:cut app-big:1~10
measure imggit-reset "$B" reset big:cut app-big:1~20
measure imggit-rebase-first "$B" rebase --onto base:2 base:1 app-big:1 -t big:rebased   # indexes base:2's layer once
measure imggit-rebase "$B" rebase --onto base:2 base:1 app-big:1 -t big:rebased2

measure imggit-mirror "$B" mirror app-big:1
measure imggit-mirror-rerun "$B" mirror app-big:1
measure imggit-mirror-content "$B" mirror --content --git "$W/content.git" app-big:1

echo
table
awk -v isal="$isal_size" -v gz6="$gzip6_size" '{ t[$1] = $2 } END {
  printf "squash gzip (cold) / zlib bound (pigz -p2): %.2fx   (goal <= 0.5)\n", t["imggit-squash-gzip-cold"] / t["raw-pipeline-gzip"]
  printf "squash gzip (cold) / ISA-L bound (igzip -T2): %.2fx   (goal <= 1.0)\n", t["imggit-squash-gzip-cold"] / t["raw-pipeline-isal"]
  printf "squash gzip (warm) / raw gzip pipeline: %.2fx\n", t["imggit-squash-gzip-warm"] / t["raw-pipeline-gzip"]
  printf "squash gzip output / gzip -6 of the same tar: %.3f   (goal <= 1.05)\n", isal / gz6
  printf "squash --level 6 (zlib, one core) / zlib bound: %.2fx   (goal <= 1.0, not met: one core)\n", t["imggit-squash-zlib6-warm"] / t["raw-pipeline-gzip"]
  printf "squash zstd (warm) / raw zstd pipeline: %.2fx\n", t["imggit-squash-zstd-warm"] / t["raw-pipeline-zstd"]
  printf "umoci unpack+repack / raw gzip pipeline: %.2fx\n", t["umoci-unpack-repack"] / t["raw-pipeline-gzip"]
  if ("buildah-from-commit-squash" in t)
    printf "buildah commit --squash / raw gzip pipeline: %.2fx\n", t["buildah-from-commit-squash"] / t["raw-pipeline-gzip"]
}' "$W/results"
