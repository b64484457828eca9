#!/usr/bin/env bash
# crash-harness.sh [--kills N] [--seed S] [--binary PATH]
#
# Kills imggit with SIGKILL in the middle of import, commit, squash, rebase, gc and mirror,
# and checks the store after every kill:
#   - fsck passes, with no warning but an interrupted tag update (which the next tag move
#     completes: the reflog then agrees with index.json);
#   - every tag the operation does not move still names the same manifest;
#   - the tag it moves names either its old manifest or a complete new image (nothing half
#     done is visible);
#   - the store still works: a tag move succeeds and fsck then has no warning at all.
# Half the kills come at a random moment (a delay drawn from the seed), half at the Nth
# rename, fsync, unlink or write (strace's fault injection). The seed is printed; the same
# seed draws the same operations, moments and system calls.
#
# CI runs 100 kills (scripts/test.sh); pass --kills 1000 for a long run.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=100
seed=$(( $(date +%s) % 100000 ))
bin=$PWD/.build/debug/imggit
while [ $# -gt 0 ]; do
  case $1 in
    --kills) kills=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --binary) bin=$2; shift 2 ;;
    *) echo "usage: $0 [--kills N] [--seed S] [--binary PATH]" >&2; exit 64 ;;
  esac
done
command -v strace >/dev/null || { echo "crash-harness: strace is needed (apt-get install strace)" >&2; exit 1; }
echo "crash-harness: seed $seed, $kills kills, $bin"
RANDOM=$seed

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export LC_ALL=C.UTF-8
bash Tests/Fixtures/make-images.sh "$W/fixture" >/dev/null
pristine=$W/pristine
export IMGGIT_STORE=$pristine
"$bin" init "$pristine" -q
for t in base:1 app:1 tool:1; do "$bin" import "oci:$W/fixture:$t" -q; done
mkdir -p "$W/patch/etc"
echo patched > "$W/patch/etc/security-fix"
head -c 3000000 /dev/urandom > "$W/patch/blob.bin"
"$bin" commit base:1 --add "$W/patch:/" -m "RUN apt-get upgrade" -t base:2 -q
"$bin" mirror -q

# The operations: NAME TAG-IT-MOVES COMMAND...
ops=(import commit squash rebase gc mirror)
target() {
  case $1 in
    import) echo "imp:1" ;; commit|squash|rebase) echo "app:1" ;; *) echo "" ;;
  esac
}
op_command() { # op_command NAME: sets cmd to the operation's command line
  case $1 in
    import) cmd=("$bin" import "oci:$W/fixture:tricky:1" --tag imp:1 -q) ;;
    commit) cmd=("$bin" commit app:1 --add "$W/patch:/opt" -m "COPY patch /opt" -q) ;;
    squash) cmd=("$bin" merge --squash base:1..app:1 -q) ;;
    rebase) cmd=("$bin" rebase --onto base:2 base:1 app:1 -q) ;;
    gc) cmd=("$bin" gc --expire-reflog 0 --grace 0 -q) ;;
    mirror) cmd=("$bin" mirror -q) ;;
  esac
}
tags() { "$bin" tag --json | jq -r '.[] | "\(.name) \(.manifest)"' | sort; }

fail() {
  echo "crash-harness: FAILED (seed $seed, kill $n: $op, $how): $*" >&2
  cp -a "$store" "$PWD/crash-harness-failed-store" 2>/dev/null && echo "store kept in crash-harness-failed-store" >&2
  exit 1
}

calls=(rename fsync unlink write)
declare -A syscalls=(
  [rename]=rename,renameat,renameat2 [fsync]=fsync,fdatasync [unlink]=unlink,unlinkat
  [write]=write,pwrite64,writev)
# How many of each kind of call every operation makes, so the Nth is drawn from the calls
# it really makes and nearly every injected run is a kill.
declare -A counts=()
for op in "${ops[@]}"; do
  for call in "${calls[@]}"; do
    rm -rf "$W/count" && cp -a "$pristine" "$W/count"
    op_command "$op"
    total=$(IMGGIT_STORE=$W/count strace -f -c -o "$W/strace" -e "trace=${syscalls[$call]}" "${cmd[@]}" >/dev/null 2>&1; \
      awk '$NF == "total" { print $4 }' "$W/strace")
    counts[$op/$call]=${total:-1}
  done
done
killed=0 completed=0 n=0 attempts=0
declare -A by_op=()
while [ "$killed" -lt "$kills" ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -gt $((kills * 6)) ] && { echo "crash-harness: too few kills landed" >&2; exit 1; }
  n=$((n + 1))
  op=${ops[$((RANDOM % ${#ops[@]}))]}
  store=$W/store
  rm -rf "$store"
  cp -a "$pristine" "$store"
  export IMGGIT_STORE=$store
  before=$(tags)
  if [ $((RANDOM % 2)) -eq 0 ]; then
    delay=$((RANDOM % 150))
    how="after ${delay} ms"
    op_command "$op"
    # imggit itself in the background (not a subshell), so the kill reaches it.
    "${cmd[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$delay")"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null && status=0 || status=$?
  else
    call=${calls[$((RANDOM % ${#calls[@]}))]}
    nth=$((RANDOM % ${counts[$op/$call]} + 1))
    how="at ${call} #$nth"
    op_command "$op"
    # In a subshell that waits (no exec), so no "Killed" notice reaches the terminal.
    (strace -f -o /dev/null -e "trace=${syscalls[$call]}" -e "inject=${syscalls[$call]}:signal=KILL:when=$nth" \
      "${cmd[@]}" >/dev/null 2>&1; exit $?) 2>/dev/null && status=0 || status=$?
  fi
  if [ "$status" -eq 0 ]; then completed=$((completed + 1)); continue; fi
  killed=$((killed + 1))
  by_op[$op]=$(( ${by_op[$op]:-0} + 1 ))

  # fsck passes; the only warning allowed is the interrupted update the next move completes.
  report=$("$bin" fsck --json -q) || fail "fsck: $report"
  others=$(echo "$report" | jq -r '.warnings[].message | select(test("interrupted") | not)')
  [ -z "$others" ] || fail "fsck warns: $others"
  # Tags the operation does not move are as they were; the one it moves is old or new.
  moved=$(target "$op")
  after=$(tags)
  diff <(echo "$before" | grep -v "^$moved " || true) <(echo "$after" | grep -v "^$moved " || true) >/dev/null \
    || fail "tags changed: $(diff <(echo "$before") <(echo "$after") || true)"
  if [ -n "$moved" ]; then
    old=$(echo "$before" | awk -v t="$moved" '$1 == t { print $2 }')
    new=$(echo "$after" | awk -v t="$moved" '$1 == t { print $2 }')
    if [ "$new" != "$old" ]; then
      "$bin" extract "$moved" -o /dev/null -q || fail "$moved moved to an image that does not extract"
    fi
  fi
  # The store still works, and the next tag move leaves no warning at all.
  "$bin" tag probe:1 base:1 -q || fail "a tag move after the kill failed"
  report=$("$bin" fsck --json -q) || fail "fsck after the next move: $report"
  [ "$(echo "$report" | jq '.warnings | length')" = 0 ] || fail "fsck warns after the next move: $report"
  if [ "$op" = mirror ]; then
    "$bin" mirror -q || fail "mirror after a killed mirror failed"
  fi
done
summary=""
for o in "${ops[@]}"; do summary+=" $o=${by_op[$o]:-0}"; done
echo "crash-harness: $killed kills ($summary ), $completed runs finished before their kill; every check passed (seed $seed)"
