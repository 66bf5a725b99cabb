#!/usr/bin/env bash
# Lay the source out the way the wheel installs it, as a tree of symlinks in
# build/layout-NAME (chainshock/graph -> graph/, chainshock/cli -> chainshock/cli, ...),
# and print its path.
#
# Why a tree: setuptools' package-dir maps chainshock.graph to the top-level
# folder graph/ (the design card's layout). Python follows that mapping through
# the editable install's import hook, but the static tools do not run import
# hooks: mypy finds modules by directory only (mypy_path, MYPYPATH and
# explicit_package_bases have no package-dir mapping; python/mypy#10564), and
# import-linter's graph builder (grimp) walks the directories of
# chainshock.__path__, which holds chainshock/ alone. Both follow symlinks, so
# one tree serves both. The tree is rebuilt on every call: new modules appear
# without a reinstall. Each tool passes its own name (build/layout-NAME), so
# mypy, lint-imports and the doctests can run at the same time.
set -eu
cd "$(dirname "$0")/.."
root=build/layout-${1:-default}
rm -rf "$root" && mkdir -p "$root/chainshock"
for entry in chainshock/*; do
  case "$(basename "$entry")" in __pycache__) continue ;; esac
  ln -sT "$(pwd)/$entry" "$root/chainshock/$(basename "$entry")"
done
for pkg in graph loaders queries viz data scenarios; do ln -sT "$(pwd)/$pkg" "$root/chainshock/$pkg"; done
echo "$root"
