#!/usr/bin/env bash
# Run pytest from the project venv; "no tests collected" (exit 5) is a failure.
set -u
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "error: pytest collected no tests (exit 5); that is a failure, not a pass" >&2
  exit 1
fi
exit "$rc"
