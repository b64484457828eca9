#!/usr/bin/env bash
# Installs what imggit needs, builds it, makes a demo store from images built on this
# machine with umoci, and shows what imggit does with them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
bin=$(scripts/build-release.sh)
demo=${DEMO_DIR:-/tmp/imggit-demo}
rm -rf "$demo" && mkdir -p "$demo"
export IMGGIT_STORE=$demo/store
if [ -t 1 ]; then b=$'\033[1m' n=$'\033[0m'; else b="" n=""; fi
run() { printf '\n%s$ imggit %s%s\n' "$b" "$*" "$n"; "$bin" "$@"; }

echo "Building images with umoci (base:1, app:1 and tool:1 on base:1) in $demo/built ..."
Tests/Fixtures/make-images.sh "$demo/built"
skopeo copy -q "oci:$demo/built:app:1" "docker-archive:$demo/app.tar:app:1"

run import "$demo/app.tar"
run import "oci:$demo/built:base:1"
run import "oci:$demo/built:tool:1"
run log --graph --all --oneline
run tag app:deps 'app:1~2'
run tag
run reset app:1 'app:1~1'
run reset app:1 'app:1@{1}'
run reflog app:1
run show 'app:1~1'
run diff base:1 app:1 --stat
mkdir -p "$demo/dist" && echo "v2" > "$demo/dist/VERSION"
SOURCE_DATE_EPOCH=1735689600 run commit app:1 --add "$demo/dist:/app/dist" -m "COPY dist /app/dist" -t app:2
run extract app:2 --layer -C "$demo/app2-layer"
run merge --squash base:1..app:2 -t app:slim -m "app layers"
run log --oneline app:slim
mkdir -p "$demo/patch/etc" && echo "patched" > "$demo/patch/etc/security-fix"
SOURCE_DATE_EPOCH=1735689600 run commit base:1 --add "$demo/patch:/" -m "RUN apt-get upgrade" -t base:2
run rebase --onto base:2 base:1 --all
run log --graph --all --oneline
run export app:deps -o "$demo/app-deps.tar"
run fsck
echo
echo "The store is an OCI layout: umoci unpack --image $IMGGIT_STORE:app:deps DIR"
