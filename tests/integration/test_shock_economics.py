"""The shock economics on the bundled dataset: one ledger, timing, contracts, guards, capex."""

from __future__ import annotations

import itertools

import pytest
from support import REPO, run_cli

from chainshock.errors import ScenarioError
from chainshock.graph.snapshot import read_snapshot
from chainshock.queries.shock import run_scenario

SCENARIOS = REPO / "scenarios"


@pytest.fixture(scope="module")
def snap(built_home):
    return read_snapshot(built_home / "graph")


def _impacts(result):
    return {i.node: i for i in result.impacts}


def _index(result, index, weighting):
    return next(i for i in result.indexes if i.index == index and i.weighting == weighting)


def test_nvidia_pays_a_few_percent_consistent_with_its_filed_revenue(snap):
    result = run_scenario(snap, SCENARIOS / "memory-squeeze.yaml", draws=0)
    nvidia = _impacts(result)["company:nvidia"]
    conv = next(c for c in result.conversions if c.node == "company:nvidia")
    # cost of revenue $62.5B over revenue $215.9B (both FY2026 10-K)
    assert conv.cost_to_revenue == pytest.approx(62.475 / 215.938, rel=1e-6)
    assert 0.01 < nvidia.price_change < 0.05
    # what it pays more for memory: more than it passes on (dollar pass-through below 1)
    assert nvidia.cost_change_usd > nvidia.revenue_change_usd > 0


def test_a_shock_after_the_horizon_moves_nothing(snap):
    result = run_scenario(snap, node="product:dram", pct=20, draws=0, start="2026Q1", horizon=8)
    assert any(i.price_change for i in result.impacts)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "late.yaml"
        path.write_text("name: late\nstart: 2026Q1\nhorizon_quarters: 8\ndraws: 0\n"
                        "shocks:\n  - {node: product:dram, pct: 20, start: 2030Q1}\n")
        late = run_scenario(snap, path)
    assert all(i.price_change == 0.0 and all(q.price_change == 0.0 for q in i.path) for i in late.impacts)
    assert late.ledger == []
    assert all(ix.change == 0.0 for ix in late.indexes)
    assert any("outside the horizon" in a for a in late.assumptions)


def test_contract_cliff_differs_from_memory_squeeze_while_the_contracts_run(snap):
    squeeze = run_scenario(snap, SCENARIOS / "memory-squeeze.yaml", draws=0)
    cliff = run_scenario(snap, SCENARIOS / "contract-cliff.yaml", draws=0)
    a = [p.change for p in _index(squeeze, "index:kospi", "cap").path]
    b = [p.change for p in _index(cliff, "index:kospi", "cap").path]
    assert a != b
    # the assumed server-maker LTAs shield Dell's DRAM in 2026 only
    dell_a = [q.price_change for q in _impacts(squeeze)["company:dell"].path]
    dell_b = [q.price_change for q in _impacts(cliff)["company:dell"].path]
    assert dell_b[1] < dell_a[1] and dell_b[-1] == pytest.approx(dell_a[-1])


def test_electricity_pays_utilities_and_ppas_shield_the_hyperscalers(snap):
    result = run_scenario(snap, node="product:electricity", pct=30, draws=0, start="2026Q1")
    got = _impacts(result)
    for utility in ("company:constellation-energy", "company:vistra", "company:talen-energy"):
        assert got[utility].revenue_change_usd > 0 and got[utility].windfall_usd > 0
    for cloud in ("company:microsoft", "company:meta", "company:amazon"):
        assert got[cloud].operating_income_change_usd < 0
    ignored = _impacts(_no_contracts(snap))
    # the PPAs (fixed price) shield Meta: it pays less with them than without
    assert got["company:meta"].cost_change_usd < ignored["company:meta"].cost_change_usd
    assert max(abs(b.residual_usd) for b in result.balance) <= 1e-6 * max(b.paid_usd for b in result.balance)


def _no_contracts(snap):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.yaml"
        path.write_text("name: e\nstart: 2026Q1\ndraws: 0\ncontracts: ignore\nshocks:\n  - {node: product:electricity, pct: 30}\n")
        return run_scenario(snap, path)


def test_capex_reaches_earnings_and_the_two_sp500s(snap):
    result = run_scenario(snap, SCENARIOS / "capex-doubling.yaml", draws=0)
    got = _impacts(result)
    for cloud in ("company:microsoft", "company:amazon", "company:alphabet", "company:meta"):
        assert got[cloud].operating_income_change_usd < 0  # depreciation of the extra capex
    for builder in ("company:nvidia", "company:vertiv", "company:eaton", "company:dc-construction-contractors"):
        assert got[builder].operating_income_change_usd > 0
    cap, ew = _index(result, "index:sp500", "cap"), _index(result, "index:sp500-equal-weight", "equal")
    assert cap.change != pytest.approx(ew.change, rel=0.05)
    # demand reaching a product stays within its market
    hbm = next(r for r in result.capex.reached if r.node == "product:hbm")
    assert hbm.revenue_change_usd < 33e9
    assert max(abs(b.residual_usd) for b in result.balance) <= 1e-6 * max(b.paid_usd for b in result.balance)


def test_a_contract_shortfall_is_charged_to_the_seller_it_names(snap, tmp_path):
    named = run_scenario(snap, _write_lta(tmp_path, "[company:micron]"))
    market = run_scenario(snap, _write_lta(tmp_path, "[]"))
    a, b = _impacts(named), _impacts(market)
    # the same prices (who forgoes the windfall does not change what Dell pays) ...
    assert a["company:dell"].cost_change_usd == pytest.approx(b["company:dell"].cost_change_usd, rel=1e-12)
    # ... but Micron alone forgoes what Dell does not pay; Samsung and SK hynix keep their full windfall
    forgone = b["company:micron"].revenue_change_usd - a["company:micron"].revenue_change_usd
    assert forgone > 0
    for other in ("company:samsung-electronics", "company:sk-hynix"):
        assert a[other].revenue_change_usd > b[other].revenue_change_usd
    gained = sum(a[o].revenue_change_usd - b[o].revenue_change_usd for o in ("company:samsung-electronics", "company:sk-hynix", "company:cxmt"))
    assert gained < forgone
    for r in (named, market):
        assert max(abs(x.residual_usd) for x in r.balance) <= 1e-6 * max(x.paid_usd for x in r.balance)


def _write_lta(tmp_path, sellers):
    path = tmp_path / f"lta-{sellers.count(':')}.yaml"
    path.write_text(
        "name: lta\nstart: 2026Q1\nhorizon_quarters: 4\ndraws: 0\n"
        "shocks:\n  - {node: product:dram, pct: 20}\n"
        "assumed_contracts:\n  - {id: 'assumed:dell-dram', buyer: company:dell, product: product:dram,\n"
        f"     fixed_share: 0.8, end: 2026-12-31, sellers: {sellers}, basis: test contract}}\n"
    )
    return path


UTILITIES = ("company:constellation-energy", "company:vistra", "company:talen-energy", "company:dominion-energy")
# their PPAs start after 2027 (Duane Arnold 2029, Kairos 2030, Oklo 2030, Natrium 2032): no delivery in the horizon
NOT_YET = ("company:nextera-energy", "company:kairos-power", "company:oklo", "company:terrapower")
HYPERSCALERS = ("company:microsoft", "company:amazon", "company:alphabet", "company:meta", "company:oracle")


def test_capex_raises_utilities_income_paid_by_the_hyperscalers(snap):
    result = run_scenario(snap, SCENARIOS / "capex-doubling.yaml", draws=0)
    got = _impacts(result)
    for utility in UTILITIES:
        assert got[utility].operating_income_change_usd > 0
    assert not any(e.node in NOT_YET for e in result.ledger)
    assert any("a PPA delivers only once it starts" in a for a in result.assumptions)
    lines = [e for e in result.ledger if e.node in UTILITIES]
    # capacity comes online three quarters after the capex is spent: nothing before, then it grows
    by_quarter: dict[str, float] = {}
    for e in lines:
        by_quarter[e.quarter] = by_quarter.get(e.quarter, 0.0) + e.revenue_change_usd
    quarters = [q.quarter for q in result.balance]
    assert all(by_quarter.get(q, 0.0) == 0.0 for q in quarters[:3])
    series = [by_quarter.get(q, 0.0) for q in quarters[3:]]
    assert all(b > a > 0 for a, b in itertools.pairwise(series))
    # every dollar the utilities receive is paid by a hyperscaler in the same quarter
    for q in quarters:
        received = sum(e.revenue_change_usd for e in lines if e.quarter == q)
        paid = sum(e.cost_change_usd for e in result.ledger if e.quarter == q and e.node in HYPERSCALERS)
        assert received <= paid
    assert any("Capex financing (estimate)" in a for a in result.assumptions)
    assert any(e.node == "outside:lenders" and e.revenue_change_usd > 0 for e in result.ledger)
    assert max(abs(b.residual_usd) for b in result.balance) <= 1e-6 * max(b.paid_usd for b in result.balance)


def test_pe_valuation_is_labelled_an_upper_bound(snap):
    pv = run_scenario(snap, SCENARIOS / "memory-squeeze.yaml", draws=0)
    pe = run_scenario(snap, SCENARIOS / "memory-squeeze.yaml", draws=0, valuation="pe")
    assert _index(pe, "index:kospi", "cap").valuation == "pe"
    assert any("upper bound" in a for a in pe.assumptions)
    assert _index(pe, "index:kospi", "cap").change > _index(pv, "index:kospi", "cap").change


def test_guards(snap, built_home, tmp_path):
    with pytest.raises(ScenarioError, match="allow-extreme"):
        run_scenario(snap, node="product:dram", pct=1000, draws=0)
    assert run_scenario(snap, node="product:dram", pct=400, draws=0, allow_extreme=True).impacts
    two = run_scenario(snap, node=["product:hbm", "product:dram"], pct=[30, 20], draws=0, start="2026Q1")
    assert [s.pct for s in two.scenario.shocks] == [30, 20]
    with pytest.raises(ScenarioError, match="2 --node but 3 --pct"):
        run_scenario(snap, node=["product:hbm", "product:dram"], pct=[30, 20, 10], draws=0)
    # every product in the bundled graph reaches someone now (SUPPLIES edges that name it carry its price)
    proc = run_cli("shock", "--node", "product:saas", "--pct", "30", "--draws", "0", "--json", home=built_home)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "fraction.yaml"
    path.write_text("name: f\nstart: 2026Q1\ndraws: 0\nshocks:\n  - {node: product:dram, pct: 0.3}\n")
    proc = run_cli("shock", str(path), "--draws", "0", home=built_home)
    assert proc.returncode == 0 and "did you mean 30, i.e. percent?" in proc.stderr


def test_memory_makers_show_the_price_of_what_they_make(snap):
    got = _impacts(run_scenario(snap, SCENARIOS / "memory-squeeze.yaml", draws=0))
    # HBM +30%, DRAM +20%, NAND +15%: a DRAM/HBM maker sits between 20% and 30%, a NAND maker at 15%
    for maker in ("company:sk-hynix", "company:micron", "company:samsung-electronics"):
        assert got[maker].price_basis == "products"
        assert 0.15 <= got[maker].price_change <= 0.30
    assert got["company:kioxia"].price_change == pytest.approx(0.15)
    assert got["company:nvidia"].price_basis == "own"
