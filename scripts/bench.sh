#!/usr/bin/env bash
# Every benchmark appends its records to build/bench.json; start from a fresh file.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build
echo "[]" > build/bench.json
status=0
for bench in tests/bench/bench_*.py; do
  echo "== $bench"
  .venv/bin/python "$bench" || { echo "benchmark failed: $bench" >&2; status=1; }
done
.venv/bin/python scripts/bench_table.py build/bench.json
exit $status
