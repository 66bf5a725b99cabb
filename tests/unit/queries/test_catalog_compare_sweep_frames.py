"""Scenarios by name, inline scenarios, sweeps, comparisons and the DataFrames behind exports (pure parts)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chainshock.errors import ScenarioError
from chainshock.queries import catalog
from chainshock.queries.compare import compare_results
from chainshock.queries.frames import LEDGER_COLUMNS, flatten, frame, ledger_frame, shock_tables
from chainshock.queries.result import Impact, IndexImpact, QuarterValue, ScenarioInfo, ShockResult
from chainshock.queries.sweep import parse_sweep, with_shock


def _impact(node: str, change: float, path: list[float] | None = None, **kw) -> Impact:
    quarters = [QuarterValue(quarter=f"2026Q{k + 1}", price_change=v) for k, v in enumerate(path or [])]
    return Impact(node=node, name=node.split(":")[1].upper(), label="Company", tier="chips",
                  price_change=change, path=quarters, **kw)


def _result(name: str, impacts: list[Impact], indexes: list[IndexImpact] | None = None) -> ShockResult:
    quarters = [q.quarter for q in impacts[0].path] if impacts and impacts[0].path else []
    return ShockResult(scenario=ScenarioInfo(name=name, quarters=quarters), impacts=impacts, indexes=indexes or [])


def test_every_shipped_scenario_is_found_by_name_and_validates():
    names = catalog.bundled()
    assert {"memory-squeeze", "capex-doubling", "contract-cliff"} <= set(names)
    for name, path in names.items():
        assert catalog.locate(name) == path
        assert catalog.locate(f"{name}.yaml") == path
    entries = {e.name: e for e in catalog.catalog()}
    assert entries["capex-doubling"].capex and not entries["memory-squeeze"].capex
    assert "product:hbm +30%" in entries["memory-squeeze"].shocks


def test_a_local_file_wins_over_a_shipped_name(tmp_path, monkeypatch):
    mine = tmp_path / "memory-squeeze.yaml"
    mine.write_text("name: mine\nshocks: [{node: HBM, pct: 5}]\n")
    monkeypatch.chdir(tmp_path)
    assert catalog.locate("memory-squeeze.yaml").resolve() == mine
    assert catalog.locate("memory-squeeze") == catalog.bundled()["memory-squeeze"]  # no such file: the shipped one


def test_unknown_scenario_suggests_the_nearest_name(tmp_path):
    with pytest.raises(ScenarioError, match="did you mean 'contract-cliff'"):
        catalog.locate("contract-clif")
    with pytest.raises(ScenarioError, match="is a directory"):
        catalog.locate(tmp_path)


def test_inline_scenarios_validate_like_files():
    sc = catalog.inline({"HBM": 30, "product:dram": 20.5}, draws=0)
    assert [(s.node, s.pct) for s in sc.shocks] == [("HBM", 30.0), ("product:dram", 20.5)]
    assert sc.draws == 0 and sc.name == "HBM +30%, product:dram +20.5%"
    with pytest.raises(ScenarioError, match="pct"):
        catalog.inline({"HBM": 5000})
    with pytest.raises(ScenarioError, match="at least one shock"):
        catalog.inline({})


@pytest.mark.parametrize(
    ("text", "node", "values"),
    [
        ("product:hbm=10:50:10", "product:hbm", (10.0, 20.0, 30.0, 40.0, 50.0)),
        ("SK hynix=-10:10:5", "SK hynix", (-10.0, -5.0, 0.0, 5.0, 10.0)),
        ("hbm=0.5:1.5:0.5", "hbm", (0.5, 1.0, 1.5)),
        ("a=b=1,2", "a=b", (1.0, 2.0)),
    ],
)
def test_parse_sweep(text, node, values):
    spec = parse_sweep(text)
    assert (spec.node, spec.values) == (node, values)


@pytest.mark.parametrize("text", ["hbm", "=1:2:1", "hbm=", "hbm=1:2", "hbm=x:2:1", "hbm=5:1:1", "hbm=1:2:0", "hbm=0:1000:1"])
def test_parse_sweep_refuses(text):
    with pytest.raises(ScenarioError, match="--sweep"):
        parse_sweep(text)


def test_with_shock_replaces_or_adds_and_keeps_the_start():
    sc = catalog.inline({"product:hbm": 30, "product:dram": 20}).model_copy(deep=True)
    sc.shocks[0] = sc.shocks[0].model_copy(update={"start": "2026Q3"})
    swept = with_shock(sc, "product:hbm", 50)
    hbm = [s for s in swept.shocks if s.node == "product:hbm"]
    assert len(hbm) == 1 and hbm[0].pct == 50 and hbm[0].start == "2026Q3"
    added = with_shock(sc, "product:nand", 10)
    assert {s.node for s in added.shocks} == {"product:hbm", "product:dram", "product:nand"}


def test_compare_matches_nodes_finds_the_widest_quarterly_gap_and_leaves_missing_sides_empty():
    a = _result("a", [_impact("company:x", 0.05, [0.0, 0.05]), _impact("company:y", 0.01, [0.01, 0.01])],
                [IndexImpact(index="index:kospi", name="KOSPI", weighting="cap", change=0.1, coverage=0.5)])
    b = _result("b", [_impact("company:x", 0.05, [0.03, 0.05]), _impact("company:z", 0.02, [0.0, 0.02])],
                [IndexImpact(index="index:kospi", name="KOSPI", weighting="cap", change=0.07, coverage=0.5)])
    cmp = compare_results(a, b)
    rows = {r.node: r for r in cmp.prices}
    x = rows["company:x"]
    assert x.delta == pytest.approx(0.0) and x.path_delta == pytest.approx(0.03) and x.path_quarter == "2026Q1"
    assert rows["company:y"].b is None and rows["company:y"].delta is None
    assert rows["company:z"].a is None
    assert cmp.prices[0].node == "company:x"  # the widest gap sorts first though the end values agree
    [ix] = cmp.indexes
    assert ix.delta == pytest.approx(-0.03)


def test_flatten_turns_estimates_into_typed_columns():
    props = '{"cost_share": {"low": 0.1, "base": 0.2, "high": 0.3, "basis": "b", "estimate": true}, "lag_quarters": 1}'
    assert flatten(props) == {"cost_share": 0.2, "cost_share_low": 0.1, "cost_share_high": 0.3,
                              "cost_share_basis": "b", "lag_quarters": 1}
    df = frame([{"a_usd": None, "n": 1, "s": "x"}, {"a_usd": None, "n": None, "s": None}])
    assert str(df["a_usd"].dtype) == "float64" and str(df["n"].dtype) == "float64"


def test_shock_tables_have_numeric_columns_and_no_json_text():
    r = _result("a", [_impact("company:x", 0.05, [0.0, 0.05], margin_hit_usd=1e9)])
    t = shock_tables(r)
    assert set(t) == {"prices", "quarters", "paths", "indexes"}  # no ledger in this result
    prices = t["prices"]
    for col in ("price_change", "p5", "p95", "margin_hit_usd", "windfall_usd"):
        assert prices[col].dtype.kind == "f", col
    assert t["quarters"]["price_change"].tolist() == [0.0, 0.05]
    for table in t.values():
        for col in table.columns:
            assert not any(isinstance(v, str) and v.startswith("{") for v in table[col]), col


def test_ledger_frame_follows_the_issue_10_interface():
    assert ledger_frame(_result("a", [_impact("company:x", 0.0)])) is None
    entries = [{"node": "company:x", "quarter": "2026Q1", "revenue_change_usd": 2.0, "cost_change_usd": 1.0,
                "operating_income_change_usd": 1.0}]
    fake = SimpleNamespace(impacts=[_impact("company:x", 0.0)], ledger=entries)
    df = ledger_frame(fake)  # type: ignore[arg-type]
    assert list(df.columns[:5]) == LEDGER_COLUMNS and df.loc[0, "name"] == "X"
    assert df["operating_income_change_usd"].dtype.kind == "f"
