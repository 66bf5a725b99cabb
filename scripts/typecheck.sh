#!/usr/bin/env bash
# mypy over the package as it installs (see scripts/layout-tree.sh for why a
# tree of symlinks and not a mypy setting).
set -eu
cd "$(dirname "$0")/.."
root=$(bash scripts/layout-tree.sh mypy)
cd "$root" && ../../.venv/bin/mypy --config-file ../../pyproject.toml -p chainshock
