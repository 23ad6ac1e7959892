#!/usr/bin/env bash
# Measures a cold `gatehouse validate --repo DIR` (a new process each run)
# on a generated organisation: builds the binary, writes the organisation
# with `gatehouse dev synth`, runs validate several times and reports the
# median wall time and the peak resident memory.
#
# Usage: scripts/bench-validate.sh [--size small|medium|large] [--runs N]
#                                  [--seed N] [--repo DIR] [--keep]
#   --size   organisation size (default large: 10k people, ~150k files)
#   --runs   number of measured runs (default 5)
#   --seed   generator seed (default 1)
#   --repo   validate this existing access repo instead of generating one
#   --keep   keep the generated repo and print where it is
#
# Works on a fresh Debian machine with Go. GNU time (for peak memory) and
# hyperfine (for a second opinion on wall time) are installed with apt-get
# when missing and possible; without them the script still reports wall
# times measured by bash.
set -euo pipefail
cd "$(dirname "$0")/.."

size=large runs=5 seed=1 repo="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-validate.sh: unknown argument $1; see --help" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "bench-validate.sh: --runs needs a positive number" >&2; exit 2 ;; esac

if ! command -v go >/dev/null 2>&1; then
  echo "bench-validate.sh: Go is not on PATH; install Go 1.26 or later (https://go.dev/dl/) and run again" >&2
  exit 2
fi

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
install_if_missing /usr/bin/time time
install_if_missing hyperfine hyperfine

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench-validate.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ] && [ -z "$repo" ]; then
    echo "kept the generated repo in $work/repo" >&2
    rm -f "$work/gatehouse" "$work"/run.*
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

echo "building gatehouse…" >&2
go build -o "$work/gatehouse" ./controller/cmd/gatehouse
bin="$work/gatehouse"

if [ -z "$repo" ]; then
  repo="$work/repo"
  "$bin" dev synth --size "$size" --seed "$seed" --out "$repo" >&2
  label="$size organisation, seed $seed"
else
  label="$repo"
fi
files=$(find "$repo" -path "$repo/.git" -prune -o -type f -print | wc -l | tr -d ' ')

# One unmeasured run checks that the repo validates (exit 0 or 1) and warms
# the page cache, so every measured run sees the same cache.
set +e
"$bin" validate --repo "$repo" >"$work/run.out" 2>&1
code=$?
set -e
if [ "$code" -ge 2 ]; then
  echo "bench-validate.sh: gatehouse validate could not run (exit $code):" >&2
  tail -n 20 "$work/run.out" >&2
  exit 2
fi
summary=$(tail -n 1 "$work/run.out")

walls=() rss=()
for i in $(seq "$runs"); do
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$bin" validate --repo "$repo" >/dev/null 2>"$work/run.time" || true
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$work/run.time")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/run.time")")
  else
    start=$(date +%s.%N)
    "$bin" validate --repo "$repo" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  fi
  printf 'run %d/%d: %ss\n' "$i" "$runs" "${walls[-1]}" >&2
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo " " hi }'; }

echo
echo "gatehouse validate --repo ($label: $files files), $runs cold runs"
echo "  validate said: $summary"
read -r lo hi <<<"$(minmax "${walls[@]}")"
echo "  wall time: median $(median "${walls[@]}") s (min $lo s, max $hi s)"
if [ "${#rss[@]}" -gt 0 ]; then
  read -r _ peak <<<"$(minmax "${rss[@]}")"
  echo "  peak RSS:  $(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }') MiB (largest of the runs; median $(awk -v k="$(median "${rss[@]}")" 'BEGIN { printf "%.0f", k / 1024 }') MiB)"
else
  echo "  peak RSS:  not measured (GNU time is not installed)"
fi

if command -v hyperfine >/dev/null 2>&1; then
  echo
  hyperfine --style basic --runs "$runs" --ignore-failure "$bin validate --repo $repo"
fi
