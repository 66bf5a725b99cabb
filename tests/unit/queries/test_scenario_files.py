"""Scenario YAML: validated by pydantic, errors point at the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainshock.errors import ScenarioError
from chainshock.queries.scenario import load_scenario, resolve_scenario, scenario_from_shock


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_a_good_file_loads(tmp_path):
    path = _write(
        tmp_path,
        """\
name: memory
description: HBM up
start: 2026Q2
horizon_quarters: 6
shocks:
  - {node: product:hbm, pct: 30}
  - node: product:dram
    pct: 20
    start: 2026Q3
pass_through:
  company:nvidia: {low: 0.4, base: 0.5, high: 0.7}
  company:dell: 0.9
pass_through_defaults:
  hyperscaler: {low: 0.1, base: 0.2, high: 0.3}
draws: 500
seed: 3
""",
    )
    sc, where = load_scenario(path)
    assert sc.shocks[1].fraction == pytest.approx(0.2) and sc.shocks[1].start == "2026Q3"
    assert sc.pass_through["company:dell"].base == 0.9
    assert where(("shocks", 1, "pct")) == f"{path}:8"


@pytest.mark.parametrize(
    ("body", "line", "what"),
    [
        ("name: x\nshocks:\n  - node: product:hbm\n    pct: nope\n", 4, "shocks.0.pct"),
        ("name: x\nshocks:\n  - node: product:hbm\n    pct: 30\n    colour: red\n", 5, "unknown field"),
        ("name: x\nshocks:\n  - {node: product:hbm, pct: 30}\nhorizon_quarters: 0\n", 4, "horizon_quarters"),
        ("name: x\nshocks: []\n", 1, "needs shocks, capex, or both"),
        ("name: x\nshocks:\n  - {node: product:hbm, pct: 30, start: Q3}\n", 3, "2026Q1"),
        ("name: x\nshocks:\n  - {node: a, pct: 1}\npass_through:\n  company:a: 1.5\n", 5, "[0, 1]"),
        ("name: x\ncapex: {from_usd: 8.0e11}\n", 2, "both from_usd and to_usd"),
        ("name: x\nshocks:\n  - {node: a, pct: 1}\npass_through_defaults:\n  wizard: 0.5\n", 5, "unknown role"),
    ],
)
def test_bad_values_name_file_line_and_field(tmp_path, body, line, what):
    path = _write(tmp_path, body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert what in message


def test_yaml_syntax_errors_have_a_line(tmp_path):
    path = _write(tmp_path, "name: x\nshocks:\n  - {node: product:hbm, pct: 30\n")
    with pytest.raises(ScenarioError, match=rf"{path}:\d+: YAML syntax error"):
        load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no scenario file"):
        load_scenario(tmp_path / "missing.yaml")


def test_an_unknown_node_is_reported_at_its_line(tmp_path):
    from chainshock.errors import NotFoundError

    path = _write(tmp_path, "name: x\nshocks:\n  - {node: product:hbm, pct: 30}\n  - {node: product:unobtainium, pct: 5}\n")
    sc, where = load_scenario(path)
    known = {"product:hbm"}

    def resolve(text, labels):
        if text in known:
            return text
        raise NotFoundError(f"no node matches '{text}'")

    with pytest.raises(ScenarioError) as err:
        resolve_scenario(sc, resolve, where)
    assert str(err.value) == f"{path}:4: shocks.1.node: no node matches 'product:unobtainium'"


def test_shortcut_scenario():
    sc = scenario_from_shock("product:hbm", 30, draws=0, seed=1, top_k=2)
    assert sc.shocks[0].fraction == pytest.approx(0.3) and sc.draws == 0 and sc.top_k == 2
    with pytest.raises(ScenarioError, match="--pct"):
        scenario_from_shock("product:hbm", -150)


def test_shipped_scenarios_parse():
    from chainshock.scenarios import scenarios_dir

    files = sorted(scenarios_dir().glob("*.yaml"))
    names = {f.name for f in files}
    assert {"memory-squeeze.yaml", "capex-doubling.yaml", "contract-cliff.yaml"} <= names
    for f in files:
        load_scenario(f)
