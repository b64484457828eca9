# Shared by the benchmark scripts: time and peak memory of one command, and the table of
# them. The caller sets W (a work folder) first; results go to $W/results.

# measure LABEL CMD... : runs CMD, appends "LABEL seconds maxrss_kb" to $W/results
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
  read -r secs rss < "$W/time"
  printf '%s %s %s\n' "$label" "$secs" "$rss" | tee -a "$W/results"
}

# median_table : one line per label, in the order first measured: "LABEL median_seconds
# peak_rss_kb runs", the median over the label's runs and the highest peak of them
median_table() {
  awk '{ if (!($1 in n)) order[++labels] = $1; n[$1]++; t[$1, n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3 }
    END {
      for (i = 1; i <= labels; i++) {
        k = order[i]; m = n[k]
        for (a = 1; a <= m; a++) v[a] = t[k, a]
        for (a = 2; a <= m; a++) for (b = a; b > 1 && v[b - 1] > v[b]; b--) { x = v[b]; v[b] = v[b - 1]; v[b - 1] = x }
        med = m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
        print k, med, rss[k], m
      }
    }' "$W/results"
}

# table : the medians as a table with peak memory in MB
table() {
  median_table | awk '{ printf "%-28s %9.3f %12.1f %5d\n", $1, $2, $3 / 1024, $4 }
       BEGIN { printf "%-28s %9s %12s %5s\n", "what", "seconds", "peak RSS MB", "runs" }'
  echo
}
