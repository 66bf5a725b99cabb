"""run_shock on a small chain whose answers are checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from shock_support import est, write_chain

from chainshock.errors import ConvergenceError, ScenarioError
from chainshock.queries.scenario import CapexSpec, Range, Scenario, Shock
from chainshock.queries.shock import prepare, run_shock


def _scenario(pct: float = 30, node: str = "product:hbm", **kw) -> Scenario:
    base = {"name": "t", "shocks": [Shock(node=node, pct=pct)], "draws": 0, "start": "2026Q1"}
    base.update(kw)
    return Scenario(**base)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    return write_chain(tmp_path_factory.mktemp("chain") / "graph")


def _by_node(result):
    return {i.node: i for i in result.impacts}


# hand-derived steady state for HBM +30% (see the chain in shockgraph.py)
GPU_COST = 0.3 * 0.3
GPU = 0.5 * GPU_COST
GPU_PRODUCT = 0.9 * GPU
OEM_COST = 0.6 * GPU_PRODUCT
OEM = 0.9 * OEM_COST
SERVER = 0.4 * OEM
CLOUD_COST = 0.4 * SERVER
CLOUD = 0.3 * CLOUD_COST
BUYERS = 0.2 * CLOUD


def test_base_values_match_the_hand_calculation(chain):
    result = run_shock(chain, _scenario())
    got = _by_node(result)
    expected = {
        "product:hbm": 0.3,
        "company:gpu": GPU,
        "product:gpu": GPU_PRODUCT,
        "company:oem": OEM,
        "product:server": SERVER,
        "company:cloud": CLOUD,
        "company:buyers": BUYERS,
    }
    # the HBM makers show the price of what they make (HBM only here), not a price of their own
    assert {n for n, i in got.items() if i.price_change or i.steady_state} == set(expected) | {
        "company:hynix", "company:micron"}
    assert {n for n, i in got.items() if i.price_basis == "products"} == {"company:hynix", "company:micron"}
    for node, value in expected.items():
        assert got[node].price_change == pytest.approx(value, rel=1e-12)
        assert got[node].steady_state == pytest.approx(value, rel=1e-12)
        assert got[node].p5 is None and got[node].p95 is None
    # the consumer segment passes nothing on, but pays the rise: its input cost
    assert got["company:buyers"].pass_through == 0.0
    assert got["company:buyers"].input_cost_change == pytest.approx(BUYERS)
    # tiers read memory -> chips -> servers -> cloud -> consumers
    tiers = [i.tier for i in result.impacts]
    assert tiers == sorted(tiers, key=["memory", "chips", "servers", "cloud", "consumers"].index)


def test_upstream_nodes_do_not_move(chain):
    got = _by_node(run_shock(chain, _scenario()))
    for node in ("product:dram", "company:cloud2"):
        assert node not in got
    # the HBM producers have no price of their own: they show HBM's, and are paid the rise (the ledger)
    for node in ("company:hynix", "company:micron"):
        assert got[node].price_basis == "products"
        assert got[node].price_change == pytest.approx(0.3) and got[node].windfall_usd > 0


# HBM +30% from 2026Q1; GPU Co buys HBM with one quarter's lag: 0.3 x $10B a year
GPU_HBM_PER_QUARTER = 0.3 * 1e10 / 4 * 0.3


def test_the_ledger_pays_what_buyers_pay_more_to_the_sellers(chain):
    result = run_shock(chain, _scenario())
    got = _by_node(result)
    gpu = got["company:gpu"]
    # GPU Co pays the HBM rise from 2026Q2 (lag 1): 7 quarters
    assert gpu.cost_change_usd == pytest.approx(7 * GPU_HBM_PER_QUARTER)
    assert gpu.cost_base_source.startswith("curated cost_base_usd")
    # dollar pass-through: θ = 0.3 of each dollar the cloud pays more reaches its revenue
    # (its buyers are final demand), 0.7 comes out of its operating income
    cloud = got["company:cloud"]
    assert cloud.revenue_change_usd == pytest.approx(0.3 * cloud.cost_change_usd)
    assert cloud.margin_hit_usd == pytest.approx(0.7 * cloud.cost_change_usd)
    assert cloud.windfall_usd == 0.0
    # HBM is a $35B market: buyers outside the graph pay from 2026Q1, GPU Co from 2026Q2;
    # Hynix holds 60% of it and is paid 60% of every dollar
    paid_for_hbm = (3.5e10 - 3e9) / 4 * 0.3 + 7 * 3.5e10 / 4 * 0.3
    assert got["company:hynix"].revenue_change_usd == pytest.approx(0.6 * paid_for_hbm)
    assert got["company:hynix"].windfall_usd == pytest.approx(0.6 * paid_for_hbm)
    # the impacts are the ledger's sums
    oi: dict[str, float] = {}
    for row in result.ledger:
        oi[row.node] = oi.get(row.node, 0.0) + row.operating_income_change_usd
    for imp in result.impacts:
        if imp.windfall_usd is not None:
            assert imp.windfall_usd - imp.margin_hit_usd == pytest.approx(oi.get(imp.node, 0.0))
    for b in result.balance:
        assert abs(b.residual_usd) <= 1e-6 * max(b.paid_usd, b.received_usd, 1.0)


def test_lags_make_a_quarterly_path(chain):
    got = _by_node(run_shock(chain, _scenario()))
    gpu = [q.price_change for q in got["company:gpu"].path]
    assert gpu[0] == 0.0 and gpu[1] == pytest.approx(GPU) and len(gpu) == 8
    buyers = [q.price_change for q in got["company:buyers"].path]
    # USES gpu<-hbm, oem<-gpu, cloud<-server, SUPPLIES cloud->buyers: one quarter each
    assert buyers[:4] == [0.0, 0.0, 0.0, 0.0] and buyers[4] == pytest.approx(BUYERS)
    assert [q.quarter for q in got["company:gpu"].path][:2] == ["2026Q1", "2026Q2"]


def test_a_shock_that_starts_later_moves_later(chain):
    sc = _scenario()
    sc.shocks[0].start = "2026Q3"
    got = _by_node(run_shock(chain, sc))
    hbm = [q.price_change for q in got["product:hbm"].path]
    assert hbm[:2] == [0.0, 0.0] and hbm[2] == pytest.approx(0.3)


def test_linear_in_the_shock_without_monte_carlo(chain):
    a = _by_node(run_shock(chain, _scenario(30)))
    b = _by_node(run_shock(chain, _scenario(15)))
    for node in a:
        assert b[node].price_change == pytest.approx(a[node].price_change / 2, rel=1e-12)
        if a[node].margin_hit_usd is not None:
            assert b[node].margin_hit_usd == pytest.approx(a[node].margin_hit_usd / 2, rel=1e-12)


def test_zero_pass_through_stops_the_shock_at_the_first_buyer(chain):
    sc = _scenario(pass_through={"company:gpu": Range(low=0, base=0, high=0)})
    got = _by_node(run_shock(chain, sc))
    assert {n for n, i in got.items() if (i.price_change or i.steady_state) and i.price_basis == "own"} == {"product:hbm"}
    assert got["company:gpu"].price_change == 0.0
    # it absorbs every dollar it pays more
    assert got["company:gpu"].margin_hit_usd == pytest.approx(7 * GPU_HBM_PER_QUARTER)


def test_a_fully_shielded_input_transmits_nothing(tmp_path):
    snap = write_chain(tmp_path / "g", contract_share=est(1.0), contract_end=dt.date(2030, 12, 31))
    result = run_shock(snap, _scenario())
    got = _by_node(result)
    assert set(got) - {"product:hbm"}, "nothing downstream of HBM is listed"
    for node, imp in got.items():
        if node == "product:hbm" or imp.label != "Company" or node in ("company:hynix", "company:micron"):
            continue
        # listed for its long-run change, but nothing moves within the horizon
        assert imp.price_change == 0.0 and all(q.price_change == 0.0 for q in imp.path)
        assert imp.margin_hit_usd in (None, 0.0)
        assert imp.steady_state > 0
    # both parties: GPU Co pays nothing more (from quarter 2, its lag), and Hynix, the seller the contract
    # names, forgoes all of it: it keeps its 60% of the market as if unshielded, less GPU Co's shortfall
    outside, gpu = 8 * (3.5e10 - 3e9) / 4 * 0.3, 7 * 3e9 / 4 * 0.3
    assert got["company:hynix"].revenue_change_usd == pytest.approx(0.6 * (outside + gpu) - gpu)
    assert got["company:micron"].revenue_change_usd == pytest.approx(0.2 * (outside + gpu))  # its 20% share, unshielded
    assert result.contracts[0].contract == "contract:gpu-hbm-lta"
    assert len(result.contracts[0].shielded_quarters) == 8
    assert not result.contracts[0].expires_in_horizon
    # the long run (contracts expired) still moves: the shield only delays
    ignored = _by_node(run_shock(snap, _scenario(contracts="ignore")))
    assert ignored["company:gpu"].price_change == pytest.approx(GPU)


def test_a_contract_shields_its_share_until_it_ends(tmp_path):
    snap = write_chain(tmp_path / "g", contract_share=est(0.5), contract_end=dt.date(2026, 6, 30))
    result = run_shock(snap, _scenario())
    gpu = [q.price_change for q in _by_node(result)["company:gpu"].path]
    # 2026Q2 buys at 50% fixed; from 2026Q3 the LTA has ended
    assert gpu[1] == pytest.approx(GPU * 0.5) and gpu[2] == pytest.approx(GPU)
    assert result.contracts[0].expires_in_horizon
    assert result.contracts[0].shielded_quarters == ["2026Q1", "2026Q2"]
    assert _by_node(result)["company:gpu"].shielded


def test_scenario_contract_end_and_assumed_contracts(tmp_path):
    snap = write_chain(tmp_path / "g", contract_share=est(0.5), contract_end=dt.date(2026, 6, 30))
    later = run_shock(snap, _scenario(contract_ends={"contract:gpu-hbm-lta": dt.date(2026, 9, 30)}))
    gpu = [q.price_change for q in _by_node(later)["company:gpu"].path]
    assert gpu[2] == pytest.approx(GPU * 0.5) and gpu[3] == pytest.approx(GPU)
    assumed = run_shock(
        snap,
        _scenario(
            contracts="honour",
            assumed_contracts=[
                {"id": "assumed:oem-gpu", "buyer": "company:oem", "product": "product:gpu",
                 "fixed_share": 1.0, "end": dt.date(2030, 1, 1), "basis": "test: a full fixed-price deal"}
            ],
        ),
    )
    got = _by_node(assumed)
    assert got["company:oem"].price_change == 0.0 and got["company:oem"].steady_state > 0
    assert got["company:gpu"].price_change == pytest.approx(GPU)
    assert "assumed:oem-gpu" in {c.contract for c in assumed.contracts}


def test_monte_carlo_is_reproducible_and_brackets_the_base(chain):
    sc = _scenario(draws=400, seed=11)
    a = run_shock(chain, sc)
    b = run_shock(chain, sc)
    c = run_shock(chain, sc.model_copy(update={"seed": 12}))
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()
    assert len(a.impacts) >= 2
    for imp in a.impacts:
        assert imp.p5 <= imp.p50 <= imp.p95
        if imp.node != "product:hbm" and imp.price_basis == "own" and imp.price_change:
            assert imp.p5 < imp.price_change < imp.p95
    gpu = _by_node(a)["company:gpu"]
    assert gpu.operating_income_p5 < gpu.operating_income_change_usd < gpu.operating_income_p95
    assert gpu.path[1].p5 is not None


def test_attribution_paths_carry_the_whole_change(chain):
    result = run_shock(chain, _scenario(top_k=3))
    to_buyers = [p for p in result.paths if p.target == "company:buyers"]
    assert len(to_buyers) == 1
    path = to_buyers[0]
    assert path.share == pytest.approx(1.0)
    assert path.nodes[0] == "product:hbm" and path.nodes[-1] == "company:buyers"
    assert path.edges[0].type == "USES" and path.edges[0].via == ["company:hynix"]
    assert [e.type for e in path.edges][1] == "PRODUCES"


def test_index_exposure_reads_the_ledger(chain):
    result = run_shock(chain, _scenario(index_members={"index:sp500": 500}))
    idx = {(i.index, i.weighting): i for i in result.indexes}
    oi = {i.node: i.operating_income_change_usd for i in result.impacts if i.operating_income_change_usd is not None}
    # the chain's indexes have no market value: constant P/E on filed operating income, labelled
    sp = idx[("index:sp500", "cap")]
    assert sp.valuation == "pe" and "upper bound" in sp.note
    last = {row.node: row.operating_income_change_usd for row in result.ledger if row.quarter == "2027Q4"}
    assert sp.change == pytest.approx(0.07 * 4 * last["company:gpu"] / 5e10 + 0.06 * 4 * last["company:cloud"] / 1e11)
    assert sp.coverage == pytest.approx(0.13)
    assert len(sp.path) == 8 and sp.path[-1].change == pytest.approx(sp.change)
    eq = idx[("index:sp500", "equal")]
    assert eq.change == pytest.approx((4 * last["company:gpu"] / 5e10 + 4 * last["company:cloud"] / 1e11) / 500)
    kospi = idx[("index:kospi", "cap")]
    assert kospi.change == pytest.approx(0.12 * 4 * last["company:hynix"] / 2e10)
    assert kospi.change > 0 and oi["company:hynix"] > 0
    assert ("index:kospi", "equal") not in idx


def test_pv_valuation_against_the_index_market_value(tmp_path):
    from shock_support import chain_records

    from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot

    records = chain_records()
    records.nodes = [
        n.model_copy(update={"market_cap_usd": est(1e11)}) if n.id == "index:kospi" else n for n in records.nodes
    ]
    write_snapshot(records_to_tables(records), tmp_path / "g")
    sc = _scenario(valuation={"tax_rate": 0.2, "discount_rate": 0.0})
    result = run_shock(read_snapshot(tmp_path / "g"), sc)
    kospi = next(i for i in result.indexes if i.index == "index:kospi")
    hynix = next(i for i in result.impacts if i.node == "company:hynix")
    # PV with no discounting over the 2-year horizon = after-tax Δoperating income; cap index: ΣΔV / market value
    assert kospi.valuation == "pv"
    assert kospi.change == pytest.approx(0.8 * hynix.operating_income_change_usd / 1e11)
    assert kospi.path[0].change < kospi.path[-1].change


def test_capex_demand_pull_against_backlog(chain):
    sc = Scenario(name="capex", capex=CapexSpec(from_usd=8e10, to_usd=1.6e11), draws=0, start="2026Q1")
    cx = run_shock(chain, sc).capex
    assert cx is not None
    shocks = {s.company: s for s in cx.shocks}
    assert shocks["company:cloud"].change_usd == pytest.approx(6e10)  # 6/8 by the FY2025 capex facts
    assert shocks["company:cloud2"].change_usd == pytest.approx(2e10)
    reached = {r.node: r for r in cx.reached}
    assert reached["company:oem"].revenue_change_usd == pytest.approx(3e10)
    assert reached["company:oem"].ratio_to_backlog == pytest.approx(1.5)
    assert reached["company:gpu"].revenue_change_usd == pytest.approx(6e9 + 0.9 * 0.6 * 3e10)
    hbm = 0.3 * (6e9 + 0.9 * 0.6 * 3e10)
    assert reached["company:hynix"].revenue_change_usd == pytest.approx(0.6 * hbm)
    assert reached["company:micron"].revenue_change_usd == pytest.approx(0.2 * hbm + 0.25 * 0.1 * 3e10)
    assert cx.allocated_usd == pytest.approx(3.6e10)
    assert cx.unallocated_usd == pytest.approx(8e10 - 3.6e10)


def test_capex_change_for_a_company_without_a_fact_needs_a_baseline(chain):
    sc = Scenario(name="c", capex={"changes": [{"company": "company:oem", "pct": 50}]}, draws=0)
    with pytest.raises(ScenarioError, match="baseline_usd"):
        run_shock(chain, sc)


def test_prepare_resolves_tickers_and_names(chain):
    sc = prepare(chain, Scenario(name="t", shocks=[Shock(node="Cloud Two", pct=5)], pass_through={"CLD": 0.5}))
    assert sc.shocks[0].node == "company:cloud2"
    assert list(sc.pass_through) == ["company:cloud"]


def test_prepare_names_the_unknown_node(chain):
    with pytest.raises(ScenarioError, match=r"no .*matches 'nothing-like-this'"):
        prepare(chain, Scenario(name="t", shocks=[Shock(node="nothing-like-this", pct=5)]))


def test_a_runaway_cycle_is_refused(tmp_path):
    # GPU Co passes on all of its cost and buys back 100% of it through a loop
    from shock_support import _edge, chain_records

    from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot

    records = chain_records(gpu_theta=est(1.0), ranges=False)
    records.edges = [e for e in records.edges if not (e.type == "USES" and e.source == "company:gpu")]
    records.edges.append(_edge("USES", "company:gpu", "product:gpu", cost_share=est(1.0)))
    records.edges = [
        e if not (e.type == "PRODUCES" and e.source == "company:gpu") else
        _edge("PRODUCES", "company:gpu", "product:gpu", market_share=est(1.0))
        for e in records.edges
    ]
    write_snapshot(records_to_tables(records), tmp_path / "g")
    snap = read_snapshot(tmp_path / "g")
    with pytest.raises(ConvergenceError, match="company:gpu"):
        run_shock(snap, _scenario(node="company:gpu", pct=10))


def test_one_earnings_basis_operating_income_only():
    import pandas as pd

    from chainshock.queries.facts import operating_income

    facts = pd.DataFrame(
        {
            "company": ["c:a", "c:a", "c:b"],
            "metric": ["revenue", "cost_of_revenue", "operating_income"],
            "fiscal_year": [2025, 2025, 2025],
            "fiscal_period": ["FY", "FY", "FY"],
            "period_end": [dt.date(2025, 12, 31)] * 3,
            "value": [100.0, 60.0, 50.0],
            "unit": ["USD"] * 3,
            "source_id": ["s"] * 3,
        }
    )
    sources = pd.DataFrame({"id": ["s"], "url": ["https://example.org"]})
    assert operating_income(facts, sources, "c:a") is None  # not substituted by revenue - cost
    assert operating_income(facts, sources, "c:b").value == 50.0


def test_an_index_member_without_earnings_is_named_not_guessed(tmp_path):
    from shock_support import chain_records

    from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot

    records = chain_records()
    records.facts = [f for f in records.facts if f.company != "company:hynix"]
    write_snapshot(records_to_tables(records), tmp_path / "g")
    result = run_shock(read_snapshot(tmp_path / "g"), _scenario())
    kospi = next(i for i in result.indexes if i.index == "index:kospi")
    assert kospi.change == 0.0 and kospi.valuation == "pe"
    assert "company:hynix" in kospi.note and "unknown" in kospi.note


def test_a_shock_that_reaches_no_company_is_an_error(tmp_path):
    from shock_support import chain_records

    from chainshock.graph.schema import Product
    from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot

    records = chain_records()
    records.nodes.append(Product(id="product:orphan", name="Orphan", category="other"))
    write_snapshot(records_to_tables(records), tmp_path / "g")
    with pytest.raises(ScenarioError, match="reaches no company"):
        run_shock(read_snapshot(tmp_path / "g"), _scenario(node="product:orphan"))


def test_a_pct_range_is_drawn_and_widens_the_band(chain):
    narrow = run_shock(chain, _scenario(draws=300, seed=5))
    wide = run_shock(chain, Scenario(name="t", shocks=[Shock.model_validate(
        {"node": "product:hbm", "pct": {"low": 15, "base": 30, "high": 45}})], draws=300, seed=5, start="2026Q1"))
    a, b = _by_node(narrow)["company:gpu"], _by_node(wide)["company:gpu"]
    assert a.price_change == pytest.approx(b.price_change)
    assert (b.p95 - b.p5) > (a.p95 - a.p5)
    assert wide.scenario.shocks[0].pct == 30 and wide.scenario.shocks[0].pct_low == 15


def test_sensitivity_names_what_drives_each_index(chain):
    from chainshock.queries.shock import sensitivity

    sc = Scenario(name="t", shocks=[Shock.model_validate({"node": "product:hbm", "pct": {"low": 10, "base": 30, "high": 50}})],
                  draws=0, start="2026Q1")
    rows = sensitivity(chain, sc)
    kospi = [r for r in rows if r.index == "index:kospi" and r.weighting == "cap"]
    assert [r.swing for r in kospi] == sorted((r.swing for r in kospi), reverse=True)
    size = next(r for r in kospi if r.input == "shock size")
    # the windfall is linear in the shock: 10% and 50% give a third and five thirds of the base
    base = next(i.change for i in run_shock(chain, sc).indexes if i.index == "index:kospi" and i.weighting == "cap")
    assert size.low == pytest.approx(base / 3) and size.high == pytest.approx(base * 5 / 3)
    assert kospi[0].input == "shock size"
