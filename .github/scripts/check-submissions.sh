#!/usr/bin/env bash
# Check a pull request's contribution, as .github/workflows/validate-submissions.yml does (and
# tests/ci/test_submissions_workflow.py, so this recipe cannot rot):
#   1. validate the submission files and raw/sources.jsonl changed since BASE, against the ids of
#      the release published at BASE (so a record already in the dataset is reported as taken);
#   2. build the release on top of a copy of BASE's dist/, so the build also refuses a dataset
#      version too small for the change;
#   3. show what the contribution changes (dtk diff), and in the job summary as Markdown.
# Usage: check-submissions.sh BASE [FORMAT]   (BASE: a git ref, FORMAT: github (default) or text)
set -euo pipefail

base="${1:?usage: check-submissions.sh BASE [FORMAT]}"
format="${2:-github}"
work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dtk-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

published="$work/published"
mkdir -p "$published"
if git cat-file -e "$base:dist/manifest.json" 2>/dev/null; then
  git archive "$base" dist | tar -x -C "$published" --strip-components=1
fi

mapfile -t changed < <(git diff --name-only --diff-filter=ACMR "$base"...HEAD -- \
  'submissions/*.jsonl' 'submissions/*.json' '*/submissions/*.jsonl' '*/submissions/*.json' \
  'raw/sources.jsonl')
if ((${#changed[@]})); then
  dtk validate --format "$format" --dist "$published" "${changed[@]}"
else
  echo "no submission files or raw/sources.jsonl changed since $base"
fi

cp -R "$published" "$work/release"
dtk build --quiet --out "$work/release"
if [[ -f "$published/manifest.json" ]]; then
  dtk diff "$published" "$work/release"
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    dtk diff "$published" "$work/release" --format markdown >> "$GITHUB_STEP_SUMMARY"
  fi
fi
