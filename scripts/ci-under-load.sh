#!/usr/bin/env bash
# Run .ci/run from a fresh clone three times in a row while two CPU-bound processes run beside
# it, as on a busy 2-core CI machine (issue 12). Prints each run's result; exits 1 if any failed.
#
# Usage: scripts/ci-under-load.sh [REPO]   (default: the repository this script is in)
set -uo pipefail
repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ci-under-load.XXXXXX")"
burners=()

cleanup() {
  for pid in "${burners[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git clone --quiet "$repo" "$work/clone"
for _ in 1 2; do
  python3 -c 'while True: pass' &
  burners+=("$!")
done
echo "load: CPU-bound processes ${burners[*]} running beside the CI runs"

failed=0
for run in 1 2 3; do
  start=$(date +%s)
  if (cd "$work/clone" && .ci/run) >"$work/run-$run.log" 2>&1; then
    result="passed"
  else
    result="FAILED"
    failed=1
  fi
  echo "run $run: $result in $(( $(date +%s) - start )) s; $(grep -E '[0-9]+ (passed|failed)' "$work/run-$run.log" | tail -1)"
  if [ "$result" = "FAILED" ]; then
    tail -n 30 "$work/run-$run.log" | sed "s/^/  run $run | /"
  fi
done
exit "$failed"
