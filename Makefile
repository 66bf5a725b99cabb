# chainshock — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
STAMP  := $(VENV)/.installed
CORE   := $(VENV)/.installed-core

.PHONY: install install-core demo test test-fast bench eval lint typecheck clean chaos

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# install: everything the tests need, including the nlp extra (sentence-transformers, torch)
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,nlp]"
	@touch $@ $(CORE)

# install-core: chainshock alone (no torch); enough for everything but embedding matches in `build --filings`
$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

install: $(STAMP)
install-core: $(CORE)

## demo: build the graph from the bundled data, run the memory-squeeze scenario, write the report and the view (core install, no torch)
demo: install-core
	$(BIN)/chainshock build
	$(BIN)/chainshock info
	$(BIN)/chainshock paths "SK hynix" "Device buyers" --limit 2
	$(BIN)/chainshock shock scenarios/memory-squeeze.yaml --top 3
	@mkdir -p $(OUT)
	$(BIN)/chainshock report scenarios/memory-squeeze.yaml --out $(OUT)/memory-squeeze-report.html
	$(BIN)/chainshock report scenarios/memory-squeeze.yaml --out $(OUT)/memory-squeeze-report.md
	$(BIN)/chainshock view --scenario scenarios/memory-squeeze.yaml --out $(OUT)/graph.html
	@echo
	@echo "Report:     $(abspath $(OUT)/memory-squeeze-report.html)"
	@echo "Markdown:   $(abspath $(OUT)/memory-squeeze-report.md)"
	@echo "Graph view: $(abspath $(OUT)/graph.html)"

## test: install what the tests need (dev and nlp extras, Chromium, Java 17 + Maven) and run them all; the test session starts a real Neo4j from its Maven Central jars
# A missing real component (the shared filings, Chromium, Java) fails `make test` instead of skipping tests.
test: export CHAINSHOCK_REQUIRE_ALL := 1
test: install
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-neo4j-deps.sh
	# doctests run over the package as it installs (chainshock.graph, not graph:
	# one copy of each module, so examples mix modules freely)
	bash scripts/run-pytest.sh --doctest-modules $$(bash scripts/layout-tree.sh doctest)/chainshock
	bash scripts/run-pytest.sh -m "not slow"

## bench: speed measured as ratios against baselines run in the same process; writes build/bench.json
bench: install
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-neo4j-deps.sh
	bash scripts/bench.sh

## eval: extraction precision/recall and fact exactness on the labelled filings
eval: install
	$(BIN)/python -m chainshock.loaders.edgar.evaluate

## chaos: the fault campaign (not part of `make test`; minutes, not hours): kills, races, faults, fuzzing; prints a table, writes build/chaos.json
chaos: install
	bash scripts/ensure-neo4j-deps.sh
	$(BIN)/python scripts/chaos.py $(CHAOS_ARGS)

## lint: ruff, mypy, and the layer contract (import-linter; see [tool.importlinter] in pyproject.toml)
lint: install
	$(BIN)/ruff check .
	bash scripts/typecheck.sh
	bash scripts/lint-imports.sh

typecheck: install
	bash scripts/typecheck.sh

clean:
	rm -rf build dist $(OUT) .chainshock .pytest_cache .mypy_cache .ruff_cache
