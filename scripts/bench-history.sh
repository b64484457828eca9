#!/usr/bin/env bash
# Benchmarks history rewriting and extraction on the shared corpus's app-big:1 (40 layers,
# ~1 GiB of tar) beside the raw pipelines and the peers, RUNS times interleaved (default 3),
# and prints one table of medians with each ratio beside issue 13's goal:
#   - raw pipelines: every layer decompressed and hashed, into pigz -6 -p2 (the zlib bound) /
#     igzip -1 -T2 (the ISA-L bound) / zstd -3 -T0 (the zstd bound), hashed
#   - import of app-big:1 into a fresh store (which indexes every layer it brings in) beside
#     skopeo copy of it into a fresh layout
#   - merge --squash (flatten): gzip by default (ISA-L), cold (right after import: the
#     caches removed, then the image imported again, which indexes it), without any index
#     cache (the squash indexes first), and warm; --level 6 and --level 9 (libdeflate); zstd,
#     cold and warm
#   - gzip -6 and pigz -9 of the squashed tar, for the output sizes
#   - umoci unpack + repack, and buildah commit --squash when it is installed
#   - extract -C of app-big:1 against tar -xzf of its blobs, one after another
#   - tag / reset / rebase, which read no layer bytes; mirror into git (first run, rerun)
# Usage: scripts/bench-history.sh CORPUS_LAYOUT   (made by ../shared/corpus/mkcorpus.sh)
#        RUNS=5 scripts/bench-history.sh CORPUS_LAYOUT
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(realpath "$1")
RUNS=${RUNS:-3}
W=${BENCH_DIR:-/tmp/imggit-bench-history}
rm -rf "$W" && mkdir -p "$W"
scripts/install-deps.sh --bench
B=$(scripts/build-release.sh 2>/dev/null)
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
cat > "$W/tar-xzf.sh" <<SH
set -e
mkdir "\$1"
for b in $blobs; do tar -xzf "\$b" -C "\$1"; done
SH
cat > "$W/umoci.sh" <<SH
set -e
rm -rf "$W/u-big" "$W/u-flat"
umoci --log error unpack --image "$IMGGIT_STORE:app-big:1" "$W/u-big"
umoci --log error new --image "$IMGGIT_STORE:u-flat-\$1"
umoci --log error unpack --image "$IMGGIT_STORE:u-flat-\$1" "$W/u-flat"
cp -a "$W/u-big/rootfs/." "$W/u-flat/rootfs/"
umoci --log error repack --image "$IMGGIT_STORE:u-flat-\$1" "$W/u-flat"
SH
cat > "$W/buildah.sh" <<SH
set -e
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
rm -rf "$W/buildah-root" "$W/buildah-run" "$W/buildah-out"
ctr=\$(buildah --root "$W/buildah-root" --runroot "$W/buildah-run" from "oci:$IMGGIT_STORE:app-big:1")
buildah --root "$W/buildah-root" --runroot "$W/buildah-run" commit --squash -q "\$ctr" "oci:$W/buildah-out:flat"
SH

# Each round runs everything once, so that a slow minute of the machine costs every row alike.
for r in $(seq "$RUNS"); do
  echo "== round $r of $RUNS"
  measure raw-zlib-bound bash "$W/raw-gzip.sh"
  measure raw-isal-bound bash "$W/raw-isal.sh"
  measure raw-zstd-bound bash "$W/raw-zstd.sh"

  measure import-fresh env IMGGIT_STORE="$W/import-$r" "$B" import "oci:$CORPUS:app-big:1"
  measure skopeo-copy skopeo copy -q "oci:$CORPUS:app-big:1" "oci:$W/skopeo-$r:app-big:1"
  # The two copies leave 1.2 GB of dirty pages: written back now, not during the squashes.
  sync
  rm -rf "$IMGGIT_STORE/.imggit/cache"
  measure squash-gzip-noindex "$B" merge --squash app-big:1 -t "flat:gzip-noindex-$r"
  rm -rf "$IMGGIT_STORE/.imggit/cache"
  "$B" import "oci:$CORPUS:app-big:1" >/dev/null
  # Each squash leaves half a GB of dirty pages: written back before the next one, so that
  # no row pays for the row before it (cold followed the import, warm a squash).
  sync
  measure squash-gzip-cold "$B" merge --squash app-big:1 -t "flat:gzip-cold-$r"
  sync
  measure squash-gzip-warm "$B" merge --squash app-big:1 -t "flat:gzip-$r"
  sync
  measure squash-level6 "$B" merge --squash app-big:1 -t "flat:level6-$r" --level 6
  sync
  measure squash-level9 "$B" merge --squash app-big:1 -t "flat:level9-$r" --level 9
  rm -rf "$IMGGIT_STORE/.imggit/cache"
  "$B" import "oci:$CORPUS:app-big:1" >/dev/null
  sync
  measure squash-zstd-cold "$B" merge --squash app-big:1 -t "flat:zstd-cold-$r" --compression zstd
  sync
  measure squash-zstd-warm "$B" merge --squash app-big:1 -t "flat:zstd-$r" --compression zstd
  sync

  measure umoci-unpack-repack bash "$W/umoci.sh" "$r"
  if command -v buildah >/dev/null; then # optional peer: apt-get install buildah
    measure buildah-commit-squash bash "$W/buildah.sh"
  fi

  # Fresh folders, removed only at the end: ext4 allocates slowly right after a big delete.
  measure tar-xzf bash "$W/tar-xzf.sh" "$W/tar-$r"
  measure extract-warm "$B" extract app-big:1 -C "$W/extract-$r"
  # The extract leaves a GB of dirty pages: written back now, not during the next rows.
  sync

  measure tag-intermediate "$B" tag "big:cut-$r" app-big:1~10
  measure reset "$B" reset "big:cut-$r" app-big:1~20
  # Warm, as the goal says: the zstd cold row above removed the caches, base-changes too.
  "$B" rebase --onto base:2 base:1 app-big:1 -t "big:rebase-warmup-$r" >/dev/null
  measure rebase "$B" rebase --onto base:2 base:1 app-big:1 -t "big:rebased-$r"
  measure mirror "$B" mirror --git "$W/mirror-$r.git" app-big:1
  measure mirror-rerun "$B" mirror --git "$W/mirror-$r.git" app-big:1
done
rm -rf "$W"/tar-* "$W"/extract-* "$W"/import-* "$W"/skopeo-* "$W/u-big" "$W/u-flat" "$W/buildah-root" "$W/buildah-run" "$W/buildah-out"

# Output sizes: imggit's layers against gzip -6 of the very same tar.
top_layer() { # TAG -> path of the squashed layer's blob
  local m; m=$(jq -r --arg t "$1" '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"==$t) | .digest' "$IMGGIT_STORE/index.json")
  jq -r '.layers[-1].digest' "$IMGGIT_STORE/blobs/sha256/${m#sha256:}" | sed "s|sha256:|$IMGGIT_STORE/blobs/sha256/|"
}
sizes="isal=$(stat -c %s "$(top_layer flat:gzip-1)") level6=$(stat -c %s "$(top_layer flat:level6-1)")"
sizes+=" level9=$(stat -c %s "$(top_layer flat:level9-1)") zstd=$(stat -c %s "$(top_layer flat:zstd-1)")"
sizes+=" gzip6=$(igzip -dc "$(top_layer flat:gzip-1)" | gzip -6 | wc -c)"
sizes+=" gzip9=$(igzip -dc "$(top_layer flat:gzip-1)" | pigz -9 -p "$(nproc)" | wc -c)"

echo
echo "medians of $RUNS runs ($(nproc) cores, $(date -u +%Y-%m-%d)):"
table
echo "$sizes" | tr ' ' '\n' | awk -F= '{ printf "%-28s %14d bytes\n", $1 " layer", $2 }'
echo
median_table | awk -v sizes="$sizes" '
  BEGIN { n = split(sizes, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); size[p[1]] = p[2] } }
  { t[$1] = $2; rss[$1] = $3 }
  function goal(what, value, limit, fmt) {
    printf "%-52s " fmt "   goal <= " fmt "%s\n", what, value, limit, value <= limit ? "" : "   NOT MET"
  }
  END {
    goal("squash gzip, cold / zlib bound (pigz -p2)", t["squash-gzip-cold"] / t["raw-zlib-bound"], 0.5, "%.2f")
    goal("squash gzip, cold / ISA-L bound (igzip -T2)", t["squash-gzip-cold"] / t["raw-isal-bound"], 1.0, "%.2f")
    goal("squash gzip output / gzip -6 of the same tar", size["isal"] / size["gzip6"], 1.05, "%.3f")
    # The import indexed the layers as it brought them in: the squash reads them once.
    goal("squash gzip, cold / warm", t["squash-gzip-cold"] / t["squash-gzip-warm"], 1.0, "%.2f")
    # With no index at all, the squash indexes first (hashing every file), then inflates the
    # layers it copies files from a second time (without hashing them again).
    printf "%-52s %.2f\n", "squash gzip, no index cache / warm", t["squash-gzip-noindex"] / t["squash-gzip-warm"]
    printf "%-52s %.2f\n", "import (indexing) / skopeo copy", t["import-fresh"] / t["skopeo-copy"]
    goal("squash --level 6 / zlib bound", t["squash-level6"] / t["raw-zlib-bound"], 1.0, "%.2f")
    goal("squash --level 9 / zlib bound", t["squash-level9"] / t["raw-zlib-bound"], 1.0, "%.2f")
    goal("squash --level 6 output / gzip -6 of the same tar", size["level6"] / size["gzip6"], 1.0, "%.3f")
    goal("squash --level 9 output / gzip -9 of the same tar", size["level9"] / size["gzip9"], 1.0, "%.3f")
    goal("squash zstd, cold / zstd bound", t["squash-zstd-cold"] / t["raw-zstd-bound"], 1.0, "%.2f")
    goal("squash zstd, warm / zstd bound", t["squash-zstd-warm"] / t["raw-zstd-bound"], 1.0, "%.2f")
    goal("extract -C, warm / tar -xzf", t["extract-warm"] / t["tar-xzf"], 0.6, "%.2f")
    goal("tag REV~N (s)", t["tag-intermediate"], 0.05, "%.3f")
    goal("reset (s)", t["reset"], 0.05, "%.3f")
    goal("rebase, warm (s)", t["rebase"], 0.05, "%.3f")
    max = 0
    for (k in rss) if (k !~ /^(raw|umoci|buildah|tar|skopeo)/ && rss[k] > max) { max = rss[k]; worst = k }
    goal("peak RSS of any imggit command, MB (" worst ")", max / 1024, 100, "%.1f")
    printf "%-52s %.2f\n", "umoci unpack+repack / zlib bound", t["umoci-unpack-repack"] / t["raw-zlib-bound"]
    if ("buildah-commit-squash" in t)
      printf "%-52s %.2f\n", "buildah commit --squash / zlib bound", t["buildah-commit-squash"] / t["raw-zlib-bound"]
  }'
