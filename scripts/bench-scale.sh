#!/usr/bin/env bash
# bench-scale.sh [--sizes "10 100 1000"] [--runs 3]
#
# How history commands grow with the store: builds, with imggit itself, stores of N images
# (one small layer each on one base, as a CI host collects them) and images of N layers
# (made by N commits, so that its tag's reflog has N entries, each a different image), then
# times every history command on each, the median of --runs runs taken in turn. Prints
# one table, the growth from the smallest to the largest size beside the ideal (linear),
# writes $W/scale.csv and, with gnuplot, $W/scale.png: time
# against size for each command, on log-log axes, so a reader sees at a glance what is
# linear; and the peak RSS of each command at the largest size. Release build; the work
# folder is $BENCH_DIR (default /tmp/imggit-bench-scale).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10 100 1000"
runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes \"10 100 1000\"] [--runs N]" >&2; exit 64 ;;
  esac
done
W=${BENCH_DIR:-/tmp/imggit-bench-scale}
rm -rf "$W" && mkdir -p "$W"
scripts/install-deps.sh --bench
B=$(scripts/build-release.sh 2>/dev/null)
export SOURCE_DATE_EPOCH=1735689600
bash Tests/Fixtures/make-images.sh "$W/fixture" >/dev/null 2>&1
echo "payload" > "$W/file"

# images N: a store of N images on base:1, and base:2 (base:1 patched) to rebase them onto.
images() {
  local s=$W/images-$1
  IMGGIT_STORE=$s "$B" import "oci:$W/fixture:base:1" -q
  for n in $(seq "$1"); do
    IMGGIT_STORE=$s "$B" commit base:1 --add "$W/file:/app/$n" -m "COPY app $n" -t "img$n:1" -q
  done
  IMGGIT_STORE=$s "$B" commit base:1 --add "$W/file:/etc/patch" -m "RUN patch" -t base:2 -q
}
# layers N: one image of N layers.
layers() {
  local s=$W/layers-$1
  IMGGIT_STORE=$s "$B" import "oci:$W/fixture:base:1" -q
  IMGGIT_STORE=$s "$B" tag app:1 base:1 -q
  for n in $(seq "$1"); do
    IMGGIT_STORE=$s "$B" commit app:1 --add "$W/file:/app/$n" -m "COPY $n" -q
  done
}
for n in $sizes; do
  echo "bench-scale: building a store of $n images and an image of $n layers" >&2
  images "$n"
  layers "$n"
done

# time STORE LABEL CMD...: seconds of one run (the store is copied first when CMD writes)
once() {
  local store=$1; shift
  local start end
  start=$(date +%s.%N)
  IMGGIT_STORE=$store "$@" >/dev/null 2>&1 || { echo "bench-scale: failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# Commands: LABEL KIND(images|layers) WRITES(0|1) ARGS...
commands=(
  "log-all images 0 log --all --oneline"
  "log-graph-all images 0 log --graph --all --oneline"
  "tag-list images 0 tag"
  "rebase-all images 1 rebase --onto base:2 base:1 --all -q"
  "tag-rev images 1 tag x:1 img1:1~1 -q"
  "reset images 1 reset img1:1 img1:1~1 -q"
  "log-layers layers 0 log --oneline app:1"
  "tag-mid layers 1 tag mid:1 app:1~3 -q"
  "reset-layers layers 1 reset app:1 app:1~1 -q"
  "squash-layers layers 1 merge --squash base:1..app:1 -t flat:1 -q --compression zstd"
  "mirror-layers layers 1 mirror -q"
  "log-stat-layers layers 0 log --stat app:1"
  "reflog-layers layers 0 reflog app:1"
  "fsck-layers layers 0 fsck"
)
echo "size,command,seconds" > "$W/scale.csv"
for n in $sizes; do
  for c in "${commands[@]}"; do
    read -r label kind writes args <<< "$c"
    times=()
    for r in $(seq "$runs"); do
      store=$W/$kind-$n
      # A fresh copy per run, all removed at the end: ext4 skips inodes freed in the last
      # minute when it allocates (`recently_deleted`, milliseconds per file after a big
      # delete), so removing the last copy here made the next run pay for it, 2-5x at 1,000.
      if [ "$writes" = 1 ]; then
        cp -a "$store" "$W/work-$n-$label-$r" && store=$W/work-$n-$label-$r
      fi
      # shellcheck disable=SC2086
      times+=("$(once "$store" "$B" $args)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$n,$label,$median" >> "$W/scale.csv"
  done
done

# Peak memory at the largest size: one more run of each command under time(1), apart from
# the timed runs so that time(1)'s own start is not counted in them.
last=$(echo "$sizes" | awk '{ print $NF }')
declare -A rss
for c in "${commands[@]}"; do
  read -r label kind writes args <<< "$c"
  store=$W/$kind-$last
  if [ "$writes" = 1 ]; then cp -a "$store" "$W/work-rss-$label" && store=$W/work-rss-$label; fi
  # shellcheck disable=SC2086
  IMGGIT_STORE=$store /usr/bin/time -f %M -o "$W/rss" "$B" $args >/dev/null 2>&1 ||
    { echo "bench-scale: failed: $args" >&2; exit 1; }
  rss[$label]=$(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss")
done
rm -rf "$W"/work-*
first=$(echo "$sizes" | awk '{ print $1 }')
echo
value() { awk -F, -v n="$1" -v l="$2" '$1 == n && $2 == l { print $3 }' "$W/scale.csv"; }
printf "%-16s" command
for n in $sizes; do printf "%12s" "$n (s)"; done
printf "%14s %8s %14s\n" growth linear "MB at $last"
for c in "${commands[@]}"; do
  label=${c%% *}
  printf "%-16s" "$label"
  for n in $sizes; do printf "%12.3f" "$(value "$n" "$label")"; done
  printf "%13.1fx %7.0fx %14s\n" "$(echo "$(value "$last" "$label") / $(value "$first" "$label")" | bc -l)" \
    "$(echo "$last / $first" | bc -l)" "${rss[$label]}"
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(swift --version 2>&1 | head -1)"
echo "csv: $W/scale.csv"
if command -v gnuplot >/dev/null; then
  {
    echo "set terminal png size 1000,650; set output '$W/scale.png'"
    echo "set logscale xy; set xlabel 'images or layers in the store'; set ylabel 'seconds (median)'"
    echo "set key outside right; set grid; set datafile separator ','"
    echo -n "plot "
    sep=""
    for c in "${commands[@]}"; do
      label=${c%% *}
      echo -n "$sep'< grep ,$label, $W/scale.csv' using 1:3 with linespoints title '$label'"
      sep=", "
    done
    echo
  } | gnuplot
  echo "plot: $W/scale.png"
else
  echo "no plot: apt-get install gnuplot"
fi
