"""Equal weighting from an index's own member count (``Index.members``)."""

from __future__ import annotations

import pytest
from shock_support import _edge, chain_records, est

from chainshock.graph.schema import Index
from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot
from chainshock.queries.scenario import Scenario, Shock
from chainshock.queries.shock import run_shock

# the chain's indexes have no market value, so they are valued at constant P/E on filed
# operating income: a member moves by 4 x its last-quarter Δoperating income / operating income


def _last(result, node: str) -> float:
    q = result.scenario.quarters[-1]
    return sum(r.operating_income_change_usd for r in result.ledger if r.node == node and r.quarter == q)


def _changes(result) -> tuple[float, float, float]:
    return (4 * _last(result, "company:hynix") / 2e10, 4 * _last(result, "company:gpu") / 5e10,
            4 * _last(result, "company:cloud") / 1e11)


def _scenario(**kw) -> Scenario:
    base = {"name": "t", "shocks": [Shock(node="product:hbm", pct=30)], "draws": 0, "start": "2026Q1"}
    return Scenario(**(base | kw))


def _snapshot(tmp_path, *, members: dict[str, int], published_equal: bool = False):
    records = chain_records()
    nodes = []
    for n in records.nodes:
        if isinstance(n, Index) and n.id in members:
            n = n.model_copy(update={"members": members[n.id]})
        nodes.append(n)
    if published_equal:
        nodes.append(
            Index(id="index:sp500-ew", name="S&P 500 EW", weighting="equal", base_index="index:sp500", members=500)
        )
        records.edges += [
            _edge("CONSTITUENT_OF", "company:gpu", "index:sp500-ew", weight=est(0.01)),
            _edge("CONSTITUENT_OF", "company:cloud", "index:sp500-ew", weight=est(0.01)),
        ]
    records.nodes = nodes
    write_snapshot(records_to_tables(records), tmp_path / "g")
    return read_snapshot(tmp_path / "g")


def _rows(result):
    return {(i.index, i.weighting): i for i in result.indexes}


def test_members_give_a_cap_index_an_equal_weight_view(tmp_path):
    result = run_shock(_snapshot(tmp_path, members={"index:kospi": 800, "index:sp500": 500}), _scenario())
    rows = _rows(result)
    HYNIX_CHANGE, gpu, cloud = _changes(result)
    cap, view = rows[("index:kospi", "cap")], rows[("index:kospi", "equal")]
    assert cap.change == pytest.approx(0.12 * HYNIX_CHANGE) and cap.change > 0
    assert not cap.equal_weight_view and cap.members is None
    assert view.equal_weight_view and view.members == 800
    assert view.name == "KOSPI (equal-weight view)"
    assert view.change == pytest.approx(HYNIX_CHANGE / 800)
    assert view.coverage == pytest.approx(1 / 800)
    assert "1/800 per member (member count from the index data" in view.note
    sp_view = rows[("index:sp500", "equal")]
    assert sp_view.change == pytest.approx((gpu + cloud) / 500)
    assert any("Equal-weight views" in a and "index:kospi (1/800)" in a for a in result.assumptions)


def test_the_scenario_count_wins_over_the_index_members(tmp_path):
    snap = _snapshot(tmp_path, members={"index:kospi": 800})
    result = run_shock(snap, _scenario(index_members={"index:kospi": 400}))
    HYNIX_CHANGE = _changes(result)[0]
    view = _rows(result)[("index:kospi", "equal")]
    assert view.members == 400 and view.change == pytest.approx(HYNIX_CHANGE / 400)
    assert "member count from the scenario" in view.note


def test_without_a_count_there_is_no_equal_weight_view(tmp_path):
    result = run_shock(_snapshot(tmp_path, members={}), _scenario())
    assert ("index:kospi", "equal") not in _rows(result)
    assert any("index:kospi: no member count" in a for a in result.assumptions)


def test_a_published_equal_weight_index_uses_its_members_and_suppresses_the_view(tmp_path):
    snap = _snapshot(tmp_path, members={"index:sp500": 500}, published_equal=True)
    result = run_shock(snap, _scenario())
    rows = _rows(result)
    _, gpu, cloud = _changes(result)
    assert ("index:sp500", "equal") not in rows
    ew = rows[("index:sp500-ew", "equal")]
    assert not ew.equal_weight_view and ew.members == 500
    # 1/500 each from the member count, not the 1% the constituent edges carry
    assert ew.change == pytest.approx((gpu + cloud) / 500)
    assert [b.weight for b in ew.baselines] == pytest.approx([1 / 500, 1 / 500])


def test_index_rows_name_each_constituents_earnings_source(tmp_path):
    result = run_shock(_snapshot(tmp_path, members={"index:kospi": 800}), _scenario())
    assert result.indexes
    for row in result.indexes:
        assert row.baselines and row.top, row.index
        for b in row.baselines:
            assert b.source.startswith("operating_income FY2025 (https://example.org/fixture)"), b
            assert b.earnings_usd and b.earnings_change is not None
        for t in row.top:
            assert t.earnings_source.startswith("operating_income FY2025")


def test_an_estimated_baseline_widens_the_index_band(tmp_path):
    """A converted-currency baseline (an estimate) is drawn like any other range."""
    from chainshock.graph.schema import Estimate

    def band(with_range: bool, path):
        records = chain_records()
        facts = []
        for f in records.facts:
            if f.company == "company:hynix" and f.metric == "operating_income" and with_range:
                f = f.model_copy(update={"estimate": Estimate(low=1.5e10, base=2e10, high=2.5e10, basis="FX band")})
            facts.append(f)
        records.facts = facts
        write_snapshot(records_to_tables(records), path)
        result = run_shock(read_snapshot(path), _scenario(draws=400, seed=3))
        kospi = _rows(result)[("index:kospi", "cap")]
        assert kospi.change == pytest.approx(0.12 * _changes(result)[0])  # the base value is the fact's value
        return kospi.p95 - kospi.p5

    assert band(True, tmp_path / "ranged") > 1.5 * band(False, tmp_path / "point")
