#!/usr/bin/env bash
# Measures a cold `gatehouse validate --repo DIR` (a new process each run)
# on a generated organisation: builds the binary, writes the organisation
# with `gatehouse dev synth`, runs validate several times and reports the
# median wall time and the peak resident memory.
#
# Usage: scripts/bench-validate.sh [--size small|medium|large] [--runs N]
#                                  [--seed N] [--repo DIR] [--rev REV] [--keep]
#   --size   organisation size (default large: 10k people, ~150k files)
#   --runs   number of measured runs (default 5)
#   --seed   generator seed (default 1)
#   --repo   validate this existing access repo instead of generating one
#   --rev    validate this Git revision of the repo, read from the object
#            store (a generated repo is then committed on main: --rev main)
#   --keep   keep the generated repo and print where it is
#
# Works on a fresh Debian machine with Go. GNU time (for peak memory) and
# hyperfine (for a second opinion on wall time) are installed with apt-get
# when missing and possible; without them the script still reports wall
# times measured by bash.
set -euo pipefail
cd "$(dirname "$0")/.."

size=large runs=5 seed=1 repo="" rev="" keep=0 generated=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-validate.sh: unknown argument $1; see --help" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "bench-validate.sh: --runs needs a positive number" >&2; exit 2 ;; esac

if ! command -v go >/dev/null 2>&1; then
  echo "bench-validate.sh: Go is not on PATH; install Go 1.26 or later (https://go.dev/dl/) and run again" >&2
  exit 2
fi

. scripts/bench-lib.sh
install_if_missing /usr/bin/time time
install_if_missing hyperfine hyperfine

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench-validate.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ] && [ "$generated" = 1 ]; then
    echo "kept the generated repo in $work/repo" >&2
    rm -f "$work/gatehouse" "$work"/run.*
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

bin=$(build_gatehouse "$work")

if [ -z "$repo" ]; then
  repo="$work/repo" generated=1
  git_flag=()
  [ -n "$rev" ] && git_flag=(--git)
  "$bin" dev synth --size "$size" --seed "$seed" "${git_flag[@]}" --out "$repo" >&2
  sync # let the written files reach the disk before measuring, so write-back does not compete
  label="$size organisation, seed $seed"
else
  label="$repo"
fi
args=(validate --repo "$repo")
if [ -n "$rev" ]; then
  args+=(--rev "$rev")
  files=$(git -C "$repo" ls-tree -r "$rev" | wc -l | tr -d ' ')
else
  files=$(find "$repo" -path "$repo/.git" -prune -o -type f -print | wc -l | tr -d ' ')
fi

# One unmeasured run checks that the repo validates (exit 0 or 1) and warms
# the page cache, so every measured run sees the same cache.
set +e
"$bin" "${args[@]}" >"$work/run.out" 2>&1
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
    /usr/bin/time -v "$bin" "${args[@]}" >/dev/null 2>"$work/run.time" || true
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$work/run.time")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/run.time")")
  else
    start=$(date +%s.%N)
    "$bin" "${args[@]}" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  fi
  printf 'run %d/%d: %ss\n' "$i" "$runs" "${walls[-1]}" >&2
done


echo
echo "gatehouse validate --repo${rev:+ --rev $rev} ($label: $files files), $runs cold runs"
echo "  validate said: $summary"
report_times

if command -v hyperfine >/dev/null 2>&1; then
  echo
  hyperfine --style basic --runs "$runs" --ignore-failure "$bin ${args[*]}"
fi
