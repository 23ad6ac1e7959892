#!/usr/bin/env bash
# Runs gatehouse's whole test suite: formatting, vet, and every Go test.
# It installs what the tests need when it is missing, so it works on a
# fresh Debian machine with Go; the PostgreSQL tests start their own
# server (installing Debian's postgresql package as root when it is
# missing). Usage: scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v go >/dev/null 2>&1; then
  echo "scripts/test.sh: Go is not on PATH; install Go 1.26 or later (https://go.dev/dl/) and run again" >&2
  exit 2
fi

step "go mod download"
go mod download

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "these files need gofmt -w:" >&2
  echo "$unformatted" >&2
  exit 1
fi

step "go vet"
go vet ./...

# The race detector needs cgo; use it whenever a C compiler is at hand.
race=""
if [ "$(go env CGO_ENABLED)" = "1" ] && command -v "$(go env CC)" >/dev/null 2>&1; then
  race="-race"
fi

step "go test ${race}"
go test -count=1 ${race} "$@" ./...
