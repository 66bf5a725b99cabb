"""Every shipped scenario runs end to end on the graph built from the bundled dataset."""

import json

import pytest
from support import REPO, run_cli

from chainshock.queries.result import ShockResult

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_runs(built_home, path):
    proc = run_cli("shock", str(path), "--json", "--draws", "200", home=built_home)
    assert proc.returncode == 0, proc.stderr
    result = ShockResult.model_validate(json.loads(proc.stdout))
    assert result.scenario.draws == 200
    assert result.impacts, "a shipped scenario moved nothing"
    assert any(imp.p5 is not None for imp in result.impacts), "no impact has Monte Carlo bands"
    for imp in result.impacts:
        if imp.p5 is not None:
            assert imp.p5 <= imp.p50 <= imp.p95
        assert imp.margin_hit_usd is None or imp.cost_base_source
    # one ledger: every quarter balances, and the impacts' sums are the ledger's
    assert len(result.balance) == result.scenario.horizon_quarters
    for b in result.balance:
        assert abs(b.residual_usd) <= 1e-6 * max(abs(b.paid_usd), abs(b.received_usd), 1.0), b
    oi: dict[str, float] = {}
    for row in result.ledger:
        oi[row.node] = oi.get(row.node, 0.0) + row.operating_income_change_usd
    for imp in result.impacts:
        if imp.windfall_usd is not None:
            total = oi.get(imp.node, 0.0)
            assert imp.windfall_usd - imp.margin_hit_usd == pytest.approx(total, rel=1e-9, abs=1e-3)
    assert all(ix.valuation == "pv" and len(ix.path) == result.scenario.horizon_quarters for ix in result.indexes)
    if result.scenario.shocks:
        tiers = {i.tier for i in result.impacts}
        assert "memory" in tiers and len(tiers) >= 3, tiers
        assert result.paths
    if path.stem == "capex-doubling":
        assert result.capex is not None and result.capex.reached
        assert result.capex.total_change_usd == pytest.approx(8.0e11)
    # the human table renders too
    human = run_cli("shock", str(path), "--draws", "0", home=built_home)
    assert human.returncode == 0, human.stderr
    assert "assumptions" in human.stdout


def test_memory_squeeze_reaches_end_customers(built_home):
    proc = run_cli("shock", str(REPO / "scenarios" / "memory-squeeze.yaml"), "--json", "--draws", "0", home=built_home)
    assert proc.returncode == 0, proc.stderr
    result = ShockResult.model_validate(json.loads(proc.stdout))
    consumers = [i for i in result.impacts if i.tier == "consumers"]
    assert consumers and all(0 < i.steady_state <= 0.30 for i in consumers)
    # no price moves by more than the largest shock in a graph with no cycles through the shocks
    assert max(i.price_change for i in result.impacts) <= 0.30 + 1e-12
