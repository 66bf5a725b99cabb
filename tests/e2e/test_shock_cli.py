"""`chainshock shock` as a user runs it: real console script, real snapshot."""

import json

import pytest
from support import MINI, run_cli

from chainshock.queries.result import ShockResult


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("shock-home")
    run_cli("build", "--data", str(MINI), home=home, check=True)
    return home


def test_json_is_one_shock_result(home):
    proc = run_cli("shock", "--node", "HBM", "--pct", "30", "--json", "--draws", "0", "--start", "2026Q1", home=home, check=True)
    doc = json.loads(proc.stdout)
    result = ShockResult.model_validate(doc)
    got = {i.node: i for i in result.impacts}
    # NVIDIA: HBM is 30% of its cost; with no filed revenue its cost is 0.45 of revenue (the
    # chip designers' default, shown in `conversions`), so a 30% rise is 0.3 x 0.3 x 0.45 of its
    # revenue, and it passes on half of each dollar; 50% of HBM is fixed until end-2026
    ratio = next(c for c in result.conversions if c.node == "company:nvidia")
    assert ratio.cost_to_revenue == pytest.approx(0.45) and "default" in ratio.source
    rise = 0.5 * 0.3 * 0.3 * 0.45
    assert got["company:nvidia"].price_change == pytest.approx(rise)
    assert got["company:nvidia"].path[1].price_change == pytest.approx(rise * 0.5)
    # the ledger: it pays 0.3 x $33B / 4 x 30% a quarter from 2026Q2 (half of it fixed in 2026)
    # and passes half of each dollar on, so half is its margin hit
    nvidia = got["company:nvidia"]
    assert nvidia.cost_change_usd == pytest.approx(5.5 * 0.3 * 3.3e10 / 4 * 0.3)
    assert nvidia.margin_hit_usd == pytest.approx(0.5 * nvidia.cost_change_usd)
    assert got["company:device-buyers"].price_change == pytest.approx(0.1 * rise)
    assert doc["balance"] and all(abs(b["residual_usd"]) < 1e-3 for b in doc["balance"])
    assert doc["scenario"]["shocks"][0]["node"] == "product:hbm"
    assert doc["contracts"][0]["contract"] == "contract:hynix-nvidia-hbm-2026"
    assert {"index", "weighting", "change"} <= set(doc["indexes"][0])
    assert doc["paths"] and doc["assumptions"]


def test_same_seed_same_answer(home):
    args = ("shock", "--node", "product:hbm", "--pct", "20", "--json", "--draws", "200", "--seed", "3", "--start", "2026Q1")
    a = run_cli(*args, home=home, check=True).stdout
    b = run_cli(*args, home=home, check=True).stdout
    assert a == b
    nvidia = next(i for i in json.loads(a)["impacts"] if i["node"] == "company:nvidia")
    assert nvidia["p5"] < nvidia["p50"] < nvidia["p95"]


def test_human_output_reads_by_tier_with_paths(home):
    proc = run_cli("shock", "--node", "HBM", "--pct", "30", "--draws", "100", "--start", "2026Q1", home=home, check=True)
    text = proc.stdout
    assert text.index("memory") < text.index("chips") < text.index("consumers")
    for col in ("P5", "P50", "P95"):
        assert col in text
    assert "HBM → NVIDIA → Device buyers" in text
    assert "ledger" in text and "balance" in text and "assumptions" in text


def test_scenario_file_runs(home, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: mini\nstart: 2026Q1\nshocks:\n  - {node: SK hynix, pct: 10}\n  - {node: HBM, pct: 5}\ndraws: 0\n")
    doc = json.loads(run_cli("shock", str(path), "--json", home=home, check=True).stdout)
    assert doc["scenario"]["name"] == "mini" and doc["scenario"]["file"] == str(path)
    assert {s["node"] for s in doc["scenario"]["shocks"]} == {"company:sk-hynix", "product:hbm"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("shock",), "give a scenario file, or --node ID --pct P"),
        (("shock", "--node", "Nvdia-ish thing", "--pct", "5"), "no node matches"),
        (("shock", "--node", "HBM"), "give a scenario file, or --node ID --pct P"),
        (("shock", "missing.yaml"), "no scenario file at missing.yaml"),
        (("shock", "--node", "HBM", "--pct", "5", "--start", "next year"), "is not of the form 2026Q1"),
    ],
)
def test_user_errors_are_one_line(home, args, message):
    proc = run_cli(*args, home=home)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert message in lines[0]


def test_bad_scenario_points_at_the_line(home, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nshocks:\n  - {node: HBM, pct: 30}\n  - {node: Unobtainium, pct: 5}\n")
    proc = run_cli("shock", str(path), home=home)
    assert proc.returncode == 2
    assert f"{path}:4: shocks.1.node: no node matches 'Unobtainium'" in proc.stderr
