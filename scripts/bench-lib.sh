# Shared by the benchmark scripts: time and peak memory of one command, and the table of
# them. The caller sets W (a work folder) first; results go to $W/results.

# measure LABEL CMD... : runs CMD, appends "LABEL seconds maxrss_kb" to $W/results
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
  read -r secs rss < "$W/time"
  printf '%s %s %s\n' "$label" "$secs" "$rss" | tee -a "$W/results"
}

# table : $W/results as a table with peak memory in MB
table() {
  awk '{ printf "%-28s %9.2f %12.1f\n", $1, $2, $3 / 1024 }
       BEGIN { printf "%-28s %9s %12s\n", "what", "seconds", "peak RSS MB" }' "$W/results"
  echo
}
