#!/usr/bin/env bash
# make-images.sh LAYOUT
#
# Builds small but realistic multi-layer images with umoci into the OCI layout LAYOUT, for
# imggit's integration tests (nothing binary is committed):
#   base:1  a root filesystem from this machine's files: 2 layers + 1 config-only entry
#   app:1   base:1 + 3 layers (add, modify, delete) + 2 config-only entries
#   tool:1  base:1 + 1 layer: a second image on the same base, so the graph branches
#   tricky:1  base:1 + 3 crafted layers (make-tricky-layers.py): whiteouts, opaque folders,
#           hard links across layers, symlinks, xattrs, devices, long and non-ASCII paths
#   snap:app-N  app:1 as umoci left it after its N-th own step: the expected image when imggit
#           cuts app:1 at that commit (tests import app:1, base:1, tool:1 one by one)
# Every history time is fixed, so the same machine gives the same digests.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
L=$1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
U() { umoci --log error "$@"; }
t=0
T=
step() { t=$((t + 1)); T=$(date -u -d "@$((1735689600 + t * 3600))" +%Y-%m-%dT%H:%M:%SZ); } # sets T
repack() { # repack TAG CREATED_BY
  step
  U repack --image "$L:$1" --history.created "$T" --history.created_by "$2" --history.author "imggit tests" "$W/$1"
  rm -rf "$W/$1"
}
unpack() { U unpack --image "$L:$1" "$W/$1"; }

U init --layout "$L"
U new --image "$L:base:1"
step
U config --image "$L:base:1" --created "$T" --no-history --config.env PATH=/usr/bin:/bin

unpack base:1
r=$W/base:1/rootfs
mkdir -p "$r/etc" "$r/usr/bin" "$r/usr/lib" "$r/var/log" "$r/tmp"
cp -a /etc/passwd /etc/group /etc/os-release /etc/debian_version "$r/etc/" 2>/dev/null || true
cp -a /usr/bin/env /usr/bin/true /usr/bin/ls "$r/usr/bin/"
ln -s usr/bin "$r/bin"
repack base:1 "ADD rootfs.tar /"

unpack base:1
r=$W/base:1/rootfs
mkdir -p "$r/usr/share/doc/base"
head -c 300000 /usr/bin/ls > "$r/usr/share/doc/base/blob.bin"
echo "base 1" > "$r/etc/base-release"
repack base:1 "RUN apt-get install -y base-files"
step
U config --image "$L:base:1" --history.created "$T" --history.created_by 'CMD ["/bin/sh"]' --config.cmd /bin/sh

U tag --image "$L:base:1" app:1
U tag --image "$L:base:1" tool:1

unpack app:1
r=$W/app:1/rootfs
mkdir -p "$r/app"
printf 'print("hello")\n' > "$r/app/main.py"
echo "é" > "$r/app/données-日本.txt"
long=$r/app/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'f%.0s' {1..90})
mkdir -p "$long" && echo deep > "$long/file-with-a-path-over-255-bytes.txt"
ln -s ../usr/bin/env "$r/app/env-link"
echo "app config" > "$r/app/app.conf"
repack app:1 "COPY app /app"
U tag --image "$L:app:1" snap:app-1
step
U config --image "$L:app:1" --history.created "$T" --history.created_by "ENV APP_ENV=prod" --config.env APP_ENV=prod
U tag --image "$L:app:1" snap:app-2

unpack app:1
r=$W/app:1/rootfs
echo "app config v2" > "$r/app/app.conf"
echo "app:x:1000:1000::/app:/bin/sh" >> "$r/etc/passwd"
repack app:1 "RUN useradd app"
U tag --image "$L:app:1" snap:app-3

unpack app:1
r=$W/app:1/rootfs
rm -f "$r/usr/share/doc/base/blob.bin"
echo built > "$r/app/BUILD"
repack app:1 "RUN rm blob.bin && make"
U tag --image "$L:app:1" snap:app-4
step
U config --image "$L:app:1" --history.created "$T" --history.created_by 'ENTRYPOINT ["python3", "/app/main.py"]' --config.entrypoint python3 --config.entrypoint /app/main.py

unpack tool:1
r=$W/tool:1/rootfs
mkdir -p "$r/opt/tool"
echo "#!/bin/sh" > "$r/opt/tool/run.sh"
repack tool:1 "COPY tool /opt/tool"

U tag --image "$L:base:1" tricky:1
python3 "$(dirname "$0")/make-tricky-layers.py" "$W/tricky"
for n in 1 2 3; do
  step
  U raw add-layer --image "$L:tricky:1" --history.created "$T" --history.created_by "tricky layer $n" "$W/tricky/layer$n.tar"
done
