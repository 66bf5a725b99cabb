#!/usr/bin/env bash
# mypy cannot follow setuptools' package-dir mapping, so type-check a tree of
# symlinks laid out the way the wheel installs it (chainshock/graph -> graph/, ...).
set -eu
cd "$(dirname "$0")/.."
root=build/typecheck
rm -rf "$root" && mkdir -p "$root/chainshock"
for entry in chainshock/*; do ln -s "$(pwd)/$entry" "$root/chainshock/$(basename "$entry")"; done
for pkg in graph loaders queries viz data scenarios; do ln -s "$(pwd)/$pkg" "$root/chainshock/$pkg"; done
cd "$root" && ../../.venv/bin/mypy --config-file ../../pyproject.toml -p chainshock
