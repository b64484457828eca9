#!/usr/bin/env bash
# Benchmarks pull and push against a real registry (Debian's docker-registry) on loopback,
# beside skopeo in the same run, and prints a table with ratios and peak memory:
#   - pull cold: imggit pull (--jobs 4, --jobs 1, and --index, which reads every layer once
#     more) vs skopeo copy docker:// -> oci:
#   - push cold: imggit push vs skopeo copy oci: -> docker://
#   - the fleet case: N images on one base in the registry; patch the base; pull --layers
#     none of all of them, rebase --all, push --all; bytes uploaded and wall time
# Usage: scripts/bench-registry.sh CORPUS_LAYOUT [IMAGE] [--fleet N]
#   CORPUS_LAYOUT is made by ../shared/corpus/mkcorpus.sh; IMAGE defaults to app-big:1.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(realpath "$1")
shift
IMAGE=app-big:1
FLEET=20
while [ $# -gt 0 ]; do
  case $1 in
    --fleet) FLEET=$2; shift 2 ;;
    *) IMAGE=$1; shift ;;
  esac
done
W=${BENCH_DIR:-/tmp/imggit-bench-registry}
rm -rf "$W" && mkdir -p "$W"
for t in docker-registry skopeo jq; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
B=$(scripts/build-release.sh 2>/dev/null)
. "$(dirname "$0")/bench-lib.sh"

# start_registry NAME: an empty registry on a free port; prints host:port
start_registry() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
    "$W/$1" "$port" > "$W/$1.yml"
  docker-registry serve "$W/$1.yml" >"$W/$1.log" 2>&1 &
  echo $! >> "$W/pids"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  echo "127.0.0.1:$port"
}
trap 'xargs kill < "$W/pids" 2>/dev/null || true' EXIT
REG=$(start_registry registry)
# Pushes go to registries of their own, so neither tool can mount what the pulls left.
PUSH_SKOPEO=$(start_registry push-skopeo)
PUSH_IMGGIT=$(start_registry push-imggit)
name=${IMAGE%%:*}
skopeo copy -q --dest-tls-verify=false "oci:$CORPUS:$IMAGE" "docker://$REG/src/$name:1"
size=$(skopeo inspect --tls-verify=false --raw "docker://$REG/src/$name:1" | jq '[.layers[].size] | add')
echo "image $IMAGE: $(( size / 1048576 )) MiB of layer blobs, registry on $REG"
echo

measure skopeo-pull skopeo copy -q --src-tls-verify=false "docker://$REG/src/$name:1" "oci:$W/skopeo-layout:x"
measure imggit-pull-jobs4 "$B" pull --insecure --jobs 4 --store "$W/s4" "$REG/src/$name:1" -q
"$B" init "$W/s1" >/dev/null
measure imggit-pull-jobs1 "$B" pull --insecure --jobs 1 --store "$W/s1" "$REG/src/$name:1" -q
"$B" init "$W/si" >/dev/null
measure imggit-pull-index "$B" pull --insecure --index --store "$W/si" "$REG/src/$name:1" -q
measure skopeo-push skopeo copy -q --dest-tls-verify=false "oci:$CORPUS:$IMAGE" "docker://$PUSH_SKOPEO/app/$name:1"
measure imggit-push "$B" push --insecure --store "$W/s4" "$REG/src/$name:1" "$PUSH_IMGGIT/app/$name:1" -q
table

ratio() { awk -v a="$(grep "^$1 " "$W/results" | cut -d' ' -f2)" -v b="$(grep "^$2 " "$W/results" | cut -d' ' -f2)" \
  'BEGIN { printf "%.2f", a / b }'; }
printf '%-40s %6s  %s\n' "ratio" "value" "goal"
printf '%-40s %6s  %s\n' "imggit pull / skopeo pull" "$(ratio imggit-pull-jobs4 skopeo-pull)" "<= 1.0"
printf '%-40s %6s  %s\n' "imggit push / skopeo push" "$(ratio imggit-push skopeo-push)" "<= 1.0"
printf '%-40s %6s  %s\n' "pull --jobs 4 / --jobs 1" "$(ratio imggit-pull-jobs4 imggit-pull-jobs1)" "< 1 (parallel gain)"
printf '%-40s %6s  %s\n' "pull --index / skopeo pull" "$(ratio imggit-pull-index skopeo-pull)" "- (reads every layer too)"
max_rss=$(awk '$1 ~ /^imggit/ { if ($3 > m) m = $3 } END { print int(m / 1024) }' "$W/results")
printf '%-40s %6s  %s\n' "imggit peak RSS, MB" "$max_rss" "< 100"
echo

# The fleet: N images on one base, pushed; the base patched; every image pulled as a partial
# image, rebased onto the patched base, and pushed back.
F=$W/fleet-build
"$B" init "$F" >/dev/null
export SOURCE_DATE_EPOCH=1735689600
"$B" import --store "$F" "oci:$CORPUS:base:1" -q
for i in $(seq "$FLEET"); do
  echo "service $i" > "$W/svc"
  "$B" commit --store "$F" base:1 --add "$W/svc:/etc/service" -m "service $i" -t "svc$i:1" -q
done
"$B" push --insecure --store "$F" --all "$REG/fleet" -q
echo "patched" > "$W/patch"
"$B" commit --store "$F" base:1 --add "$W/patch:/etc/patched" -m "security patch" -t base:2 -q
"$B" push --insecure --store "$F" base:2 "$REG/fleet/base:2" -q
P=$W/fleet-ops
"$B" init "$P" >/dev/null
start=$(date +%s.%N)
"$B" pull --insecure --store "$P" --layers none "$REG/fleet/base:1" --tag base:1 -q
"$B" pull --insecure --store "$P" --layers none "$REG/fleet/base:2" --tag base:2 -q
for i in $(seq "$FLEET"); do
  "$B" pull --insecure --store "$P" --layers none "$REG/fleet/svc$i:1" --tag "svc$i:1" -q
done
"$B" rebase --store "$P" --insecure --onto base:2 base:1 --all -q
"$B" push --insecure --store "$P" --all "$REG/fleet" --json > "$W/fleet.json"
end=$(date +%s.%N)
uploaded=$(jq '[.[].bytes] | add' "$W/fleet.json")
transferred=$(jq '[.[].transferred] | add' "$W/fleet.json")
mounted=$(jq '[.[].mounted] | add' "$W/fleet.json")
echo "fleet of $FLEET images: pull --layers none + rebase --all + push --all in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
echo "  uploaded $uploaded bytes in $transferred blobs (configs and the rebased images' new blobs), $mounted mounted"
