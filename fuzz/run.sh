#!/bin/sh
# Run every fuzz target for SECONDS (default 60) each, two at a time.
set -e
cd "$(dirname "$0")/.."
exec .venv/bin/python fuzz/run.py --seconds "${1:-60}" --jobs 2
