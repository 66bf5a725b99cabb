#!/usr/bin/env bash
# import-linter: the layer contract in pyproject.toml ([tool.importlinter]),
# checked over the package as it installs (see scripts/layout-tree.sh).
set -eu
cd "$(dirname "$0")/.."
root=$(bash scripts/layout-tree.sh imports)
cd "$root" && PYTHONPATH=. ../../.venv/bin/lint-imports --no-logo --no-cache ../../pyproject.toml
