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
