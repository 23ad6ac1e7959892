#!/usr/bin/env bash
# Measures a cold `gatehouse plan` (a new process each run) on a generated
# organisation: builds the binary, writes the organisation as a Git
# repository with `gatehouse dev synth --git`, commits a pull request that
# adds ten access requests on a branch bench-pr, checks once that the plan
# has ten clean changes, then runs plan several times and reports the
# median wall time and the peak resident memory.
#
# Usage: scripts/bench-plan.sh [--size small|medium|large] [--runs N]
#                              [--seed N] [--repo DIR] [--keep] [--go-bench]
#   --size      organisation size (default large: 10k people, ~150k files)
#   --runs      number of measured runs (default 5)
#   --seed      generator seed (default 1)
#   --repo      use this Git access repo (organisation committed on main)
#               instead of generating one; the script writes its branch
#               bench-pr there and deletes it at the end unless --keep
#   --keep      keep the generated repo (and bench-pr) and print where it is
#   --go-bench  also report the warm in-process figure of
#               BenchmarkDecide (base already loaded and prepared)
#
# Works on a fresh Debian machine with Go and Git. GNU time (for peak
# memory) and hyperfine (for a second opinion on wall time) are installed
# with apt-get when missing and possible; without them the script still
# reports wall times measured by bash.
set -euo pipefail
cd "$(dirname "$0")/.."

size=large runs=5 seed=1 repo="" keep=0 gobench=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --go-bench) gobench=1; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-plan.sh: unknown argument $1; see --help" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "bench-plan.sh: --runs needs a positive number" >&2; exit 2 ;; esac

for tool in go git; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench-plan.sh: $tool is not on PATH; install Go 1.26 or later (https://go.dev/dl/) and Git, and run again" >&2
    exit 2
  fi
done

. scripts/bench-lib.sh
install_if_missing /usr/bin/time time
install_if_missing hyperfine hyperfine

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench-plan.XXXXXX")
given_repo=$repo
cleanup() {
  if [ -n "$given_repo" ] && [ "$keep" = 0 ]; then
    git -C "$given_repo" update-ref -d refs/heads/bench-pr 2>/dev/null || true
  fi
  if [ "$keep" = 1 ] && [ -z "$given_repo" ]; then
    echo "kept the generated repo in $work/repo (pull request on branch bench-pr)" >&2
    rm -f "$work/gatehouse" "$work"/run.* "$work"/index "$work"/*.yaml
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

bin=$(build_gatehouse "$work")

if [ -z "$repo" ]; then
  repo="$work/repo"
  # A fixed organisation time keeps the organisation and the plan the
  # same from one day to the next.
  "$bin" dev synth --size "$size" --seed "$seed" --now 2026-01-01 --git --out "$repo" >&2
  label="$size organisation, seed $seed"
else
  label="$repo"
fi
if ! git -C "$repo" rev-parse -q --verify 'refs/heads/main^{commit}' >/dev/null; then
  echo "bench-plan.sh: $repo has no branch main; give a Git access repo with the organisation committed on main (gatehouse dev synth --git)" >&2
  exit 2
fi
files=$(git -C "$repo" ls-tree -r main | wc -l | tr -d ' ')

# The organisation's time is the time of its commit on main (synth commits
# at its --now); requests expire 30 days after it and plan judges as of it.
now=$(TZ=UTC git -C "$repo" log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd main)
expires=$(date -u -d "$now + 30 days" +%Y-%m-%dT%H:%M:%SZ)

# ok_duration D: whether a level's maxDuration allows a 30-day request
# (empty means no limit).
ok_duration() {
  case "$1" in
    '') return 0 ;;
    *[0-9]d) [ "${1%d}" -ge 30 ] ;;
    *[0-9]h) [ "${1%h}" -ge 720 ] ;;
    *) return 1 ;;
  esac
}

# Ten requests, picked as BenchmarkDecide picks them: walk the systems in
# path order, pair system s with person (s*37) mod people, and keep active
# people on requestable systems, with the first level that allows 30 days.
mapfile -t systems < <(git -C "$repo" ls-tree -r --name-only main -- systems/ | grep '\.yaml$' | LC_ALL=C sort)
mapfile -t people < <(git -C "$repo" ls-tree -r --name-only main -- people/ | grep '\.yaml$' | LC_ALL=C sort)
if [ "${#systems[@]}" = 0 ] || [ "${#people[@]}" = 0 ]; then
  echo "bench-plan.sh: $repo has no systems/ or no people/ on main; it is not an access repo" >&2
  exit 2
fi
export GIT_INDEX_FILE="$work/index"
git -C "$repo" read-tree main
author=""
n=0
for s in "${!systems[@]}"; do
  [ "$n" -lt 10 ] || break
  person_file=${people[$(( s * 37 % ${#people[@]} ))]}
  person=$(git -C "$repo" show "main:$person_file")
  if grep -q '^status: offboarded' <<<"$person"; then continue; fi
  pname=$(awk '/^name: / { print $2; exit }' <<<"$person")
  # One line: the system's name, 1 if requestable, and its levels with
  # their maxDuration as name=duration.
  read -r sname requestable levels <<<"$(git -C "$repo" show "main:${systems[$s]}" | awk '
    function flush() { if (lv != "") levels = levels " " lv "=" md; lv = "" }
    /^name: / && name == "" { name = $2 }
    /^requestable: false/ { req = 0 }
    /^accessLevels:/ { in_levels = 1; next }
    /^[^ ]/ { flush(); in_levels = 0 }
    in_levels && /^  - name: / { flush(); lv = $3; md = "" }
    in_levels && /^    maxDuration: / { md = $2 }
    BEGIN { req = 1 }
    END { flush(); print name, req, levels }')"
  [ "$requestable" = 1 ] || continue
  level_line=""
  if [ -n "$levels" ]; then
    for l in $levels; do
      if ok_duration "${l#*=}"; then level_line="level: ${l%%=*}"$'\n'; break; fi
    done
    [ -n "$level_line" ] || continue
  fi
  printf 'kind: AccessRequest\nperson: %s\nsystem: %s\n%sjustification: benchmark\nexpires: %s\n' \
    "$pname" "$sname" "$level_line" "$expires" >"$work/bench-$n.yaml"
  blob=$(git -C "$repo" hash-object -w "$work/bench-$n.yaml")
  git -C "$repo" update-index --add --cacheinfo "100644,$blob,access/$sname/bench-$n.yaml"
  author=$pname
  n=$((n + 1))
done
if [ "$n" -lt 10 ]; then
  echo "bench-plan.sh: found only $n requestable systems with an active person; the organisation is too small for a ten-request pull request" >&2
  exit 2
fi
tree=$(git -C "$repo" write-tree)
unset GIT_INDEX_FILE
head=$(GIT_AUTHOR_NAME="$author" GIT_AUTHOR_EMAIL="$author@bench.invalid" GIT_AUTHOR_DATE="$now" \
  GIT_COMMITTER_NAME="$author" GIT_COMMITTER_EMAIL="$author@bench.invalid" GIT_COMMITTER_DATE="$now" \
  git -C "$repo" commit-tree "$tree" -p main -m "Request access for ten people")
git -C "$repo" update-ref refs/heads/bench-pr "$head"

plan=("$bin" plan --repo "$repo" --base main --head bench-pr --now "$now")

# One unmeasured run checks that the pull request is ten clean requests
# (exit 0 approved or 1 waiting for approvals) and warms the page cache,
# so every measured run sees the same cache.
set +e
"${plan[@]}" --format json >"$work/run.json" 2>"$work/run.err"
code=$?
set -e
if [ "$code" -ge 2 ]; then
  echo "bench-plan.sh: gatehouse plan could not run (exit $code):" >&2
  tail -n 20 "$work/run.err" >&2
  exit 2
fi
# count_entries KEY: the entries of a top-level array in plan's JSON
# (indented by two spaces, one object per entry).
count_entries() {
  awk -v key="  \"$1\": [" '
    $0 == key { inside = 1; next }
    inside && /^  \]/ { inside = 0 }
    inside && /^    \{/ { n++ }
    END { print n + 0 }' "$work/run.json"
}
changes=$(count_entries changes)
violations=$(count_entries violations)
if [ "$changes" != 10 ] || [ "$violations" != 0 ]; then
  echo "bench-plan.sh: the pull request should be ten clean access requests, but plan found $changes changes and $violations violations:" >&2
  "${plan[@]}" >&2 || true
  exit 2
fi
summary="$changes changes, $violations violations, $(count_entries requirements) requirements"

walls=() rss=()
for i in $(seq "$runs"); do
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "${plan[@]}" >/dev/null 2>"$work/run.time" || true
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$work/run.time")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/run.time")")
  else
    start=$(date +%s.%N)
    "${plan[@]}" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  fi
  printf 'run %d/%d: %ss\n' "$i" "$runs" "${walls[-1]}" >&2
done


gofigure=""
if [ "$gobench" = 1 ]; then
  # BenchmarkDecide has a medium and a large case.
  case "$size" in medium) gosize=medium ;; *) gosize=large ;; esac
  echo "running BenchmarkDecide/$gosize (the first run generates and caches the organisation)…" >&2
  go test ./controller/decide -run XXX -bench "BenchmarkDecide/$gosize\$" -benchtime 100x -count 5 | tee "$work/run.gobench" >&2
  mapfile -t nsop < <(awk '/^BenchmarkDecide\// { for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") print $i }' "$work/run.gobench")
  if [ "${#nsop[@]}" = 0 ]; then
    echo "bench-plan.sh: go test printed no BenchmarkDecide figures" >&2
    exit 2
  fi
  gofigure="$(awk -v ns="$(median "${nsop[@]}")" 'BEGIN { printf "%.1f", ns / 1e6 }') ms (median of ${#nsop[@]} runs of 100, $gosize organisation)"
fi

echo
echo "gatehouse plan --base main --head bench-pr ($label: $files files, ten new access requests), $runs cold runs"
echo "  plan said: $summary"
report_times
if [ -n "$gofigure" ]; then
  echo "  warm in-process decide (BenchmarkDecide): $gofigure"
fi

if command -v hyperfine >/dev/null 2>&1; then
  echo
  hyperfine --style basic --runs "$runs" --ignore-failure "${plan[*]}"
fi
