# Shared by the benchmark scripts (sourced, not run): best-effort tool
# installs and the figures they report.

# install_if_missing CMD PACKAGE: best effort, never fatal.
install_if_missing() {
  if [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 0; fi
  fi
  echo "installing $2 with apt-get…" >&2
  { $sudo apt-get install -y -qq "$2" || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2"; }; } >/dev/null 2>&1 ||
    echo "could not install $2; carrying on without it" >&2
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo " " hi }'; }

# report_times prints the median wall time of the walls array and the
# peak RSS of the rss array (kilobytes, from GNU time), when measured.
report_times() {
  local lo hi peak
  read -r lo hi <<<"$(minmax "${walls[@]}")"
  echo "  wall time: median $(median "${walls[@]}") s (min $lo s, max $hi s)"
  if [ "${#rss[@]}" -gt 0 ]; then
    read -r _ peak <<<"$(minmax "${rss[@]}")"
    echo "  peak RSS:  $(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }') MiB (largest of the runs; median $(awk -v k="$(median "${rss[@]}")" 'BEGIN { printf "%.0f", k / 1024 }') MiB)"
  else
    echo "  peak RSS:  not measured (GNU time is not installed)"
  fi
}

# build_gatehouse DIR builds the binary into DIR and prints its path.
build_gatehouse() {
  echo "building gatehouse…" >&2
  go build -o "$1/gatehouse" ./controller/cmd/gatehouse
  echo "$1/gatehouse"
}
