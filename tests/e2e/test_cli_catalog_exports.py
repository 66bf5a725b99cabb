"""The commands around a shock, as a user runs them: scenarios by name, compare, sweeps, exports, polish."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import MINI, run_cli


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("mini-home")
    run_cli("build", "--data", str(MINI), home=home, check=True)
    return home


def _one_line_error(proc) -> str:
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_version_and_readable_help(tmp_path):
    from chainshock import __version__

    assert run_cli("--version", home=tmp_path, check=True).stdout.strip() == f"chainshock {__version__}"
    for cmd in ("", "build", "facts", "paths", "shock", "scenarios", "companies", "compare", "cypher", "view",
                "report", "neo4j", "neo4j load"):
        text = run_cli(*cmd.split(), "--help", home=tmp_path, check=True).stdout
        assert not re.search(r"<(bool|str|list\[str\]|path|int|float)[^>]*>", text), (cmd, text)
        usage = next(line for line in text.splitlines() if "Usage:" in line)
        assert "{" not in usage, usage


def test_scenarios_lists_the_shipped_ones_and_runs_by_name(built_home):
    listing = run_cli("scenarios", home=built_home, check=True).stdout
    for name in ("memory-squeeze", "capex-doubling", "contract-cliff"):
        assert name in listing
    doc = json.loads(run_cli("scenarios", "--json", home=built_home, check=True).stdout)
    assert {s["name"] for s in doc["scenarios"]} >= {"memory-squeeze", "capex-doubling", "contract-cliff"}
    by_name = json.loads(run_cli("shock", "memory-squeeze", "--draws", "0", "--json", home=built_home, check=True).stdout)
    by_file = json.loads(run_cli("shock", str(Path(doc["scenarios"][-1]["file"]).parent / "memory-squeeze.yaml"),
                                 "--draws", "0", "--json", home=built_home, check=True).stdout)
    assert by_name["impacts"] == by_file["impacts"] and by_name["indexes"] == by_file["indexes"]
    err = _one_line_error(run_cli("shock", "memory-sqeeze", home=built_home))
    assert "did you mean 'memory-squeeze'" in err


def test_companies_by_role_and_query(built_home):
    doc = json.loads(run_cli("companies", "--role", "memory_producer", "--json", home=built_home, check=True).stdout)
    ids = {c["id"] for c in doc["companies"]}
    assert {"company:sk-hynix", "company:micron", "company:samsung-electronics"} <= ids
    assert all("memory_producer" in c["roles"] for c in doc["companies"])
    assert "company:sk-hynix" in run_cli("companies", "hynix", home=built_home, check=True).stdout
    assert "did you mean 'memory_producer'" in _one_line_error(run_cli("companies", "--role", "memory_prodcer", home=built_home))


def test_compare_shows_where_contracts_make_the_difference(built_home, tmp_path):
    import pandas as pd

    xlsx = tmp_path / "cmp.xlsx"
    proc = run_cli("compare", "memory-squeeze", "contract-cliff", "--draws", "0", "--json", "--xlsx", str(xlsx),
                   home=built_home, check=True)
    doc = json.loads(proc.stdout)
    assert (doc["a"], doc["b"]) == ("memory-squeeze", "contract-cliff")
    gaps = [r for r in doc["prices"] if r["path_delta"] is not None and abs(r["path_delta"]) > 1e-4]
    assert gaps, "fixed-price contracts shield some buyer in some quarter"
    assert all(r["path_quarter"] in doc["a_quarters"] for r in gaps)
    assert {(i["index"], i["weighting"]) for i in doc["indexes"]}
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"prices", "indexes"} and len(sheets["prices"]) == len(doc["prices"])
    table = run_cli("compare", "memory-squeeze", "contract-cliff", "--draws", "0", home=built_home, check=True).stdout
    assert "widest gap" in table and gaps[0]["name"][:20] in table


def test_sweep_json_chart_and_csv(mini, tmp_path):
    import pandas as pd

    chart, csv = tmp_path / "hbm.svg", tmp_path / "hbm.csv"
    proc = run_cli("shock", "--sweep", "HBM=10:30:10", "--draws", "0", "--start", "2026Q1", "--json",
                   "--chart", str(chart), "--csv", str(csv), home=mini, check=True)
    doc = json.loads(proc.stdout)
    assert [p["pct"] for p in doc["points"]] == [10.0, 20.0, 30.0]
    nv = [p["prices"]["company:nvidia"] for p in doc["points"]]
    assert nv[2] == pytest.approx(3 * nv[0]) and nv[1] == pytest.approx(2 * nv[0])
    svg = chart.read_text()
    assert svg.startswith("<svg") and "NVIDIA" in svg and "+30%" in svg
    rows = pd.read_csv(csv)
    assert set(rows["pct"]) == {10.0, 20.0, 30.0} and {"price", "index"} >= set(rows["kind"])
    text = run_cli("shock", "--sweep", "HBM=10,20", "--draws", "0", "--start", "2026Q1", home=mini, check=True).stdout
    assert "+10%" in text and "+20%" in text and "NVIDIA" in text
    assert "--chart draws a sweep" in _one_line_error(run_cli("shock", "--node", "HBM", "--pct", "5", "--chart", "x.svg", home=mini))


def test_shock_and_cypher_exports_equal_the_json(mini, tmp_path):
    import pandas as pd

    base = ("shock", "--node", "HBM", "--pct", "30", "--draws", "0", "--start", "2026Q1")
    doc = json.loads(run_cli(*base, "--json", "--parquet", str(tmp_path / "s.parquet"),
                             "--csv", str(tmp_path / "s.csv"), home=mini, check=True).stdout)
    for frame in (pd.read_parquet(tmp_path / "s.parquet"), pd.read_csv(tmp_path / "s.csv")):
        got = frame.set_index("node")["price_change"]
        for imp in doc["impacts"]:
            assert got[imp["node"]] == pytest.approx(imp["price_change"], abs=1e-12)
    for name in ("quarters", "paths", "indexes"):
        assert (tmp_path / f"s-{name}.csv").is_file() and (tmp_path / f"s-{name}.parquet").is_file()
    q = ("cypher", "MATCH (c:Company) RETURN c.id AS id, c.name AS name ORDER BY id")
    rows = json.loads(run_cli(*q, "--json", "--xlsx", str(tmp_path / "q.xlsx"), home=mini, check=True).stdout)["rows"]
    assert pd.read_excel(tmp_path / "q.xlsx")["id"].tolist() == [r["id"] for r in rows]
    assert "--csv" in _one_line_error(run_cli(*base, "--csv", str(tmp_path / "s.xlsx"), home=mini))


def test_report_and_view_take_the_shock_options(mini, tmp_path):
    out = tmp_path / "r.json"
    run_cli("report", "--node", "HBM", "--pct", "30", "--draws", "0", "--start", "2026Q1", "--out", str(out),
            home=mini, check=True)
    shock = json.loads(run_cli("shock", "--node", "HBM", "--pct", "30", "--draws", "0", "--start", "2026Q1", "--json",
                               home=mini, check=True).stdout)
    report = out.read_text()
    nvidia = next(i for i in shock["impacts"] if i["node"] == "company:nvidia")
    assert "company:nvidia" in report and str(round(nvidia["price_change"], 6))[:6] in report
    page = tmp_path / "v.html"
    run_cli("view", "--node", "HBM", "--pct", "30", "--draws", "0", "--out", str(page), home=mini, check=True)
    assert page.stat().st_size > 10_000
    err = _one_line_error(run_cli("report", "--out", str(tmp_path / "x.md"), home=mini))
    assert "--node" in err


def test_file_system_errors_are_one_line(mini, tmp_path):
    err = _one_line_error(run_cli("report", "--node", "HBM", "--pct", "30", "--draws", "0", "--out", "/proc/r.html", home=mini))
    assert err.startswith("error: cannot write --out /proc/r.html")
    err = _one_line_error(run_cli("shock", "--node", "HBM", "--pct", "30", "--draws", "0", "--xlsx", "/proc/s.xlsx", home=mini))
    assert "/proc/s.xlsx" in err


def test_ticker_forms_metric_typos_and_reverse_paths(built_home):
    for form in ("000660.KS", "000660", "SK hynix", "company:sk-hynix"):
        doc = json.loads(run_cli("facts", form, "--json", home=built_home, check=True).stdout)
        assert doc["company"]["id"] == "company:sk-hynix", form
    assert "did you mean 'capex'" in _one_line_error(run_cli("facts", "NVDA", "--metric", "capx", home=built_home))
    err = _one_line_error(run_cli("paths", "Device buyers", "SK hynix", home=built_home))
    assert "flows the other way" in err and 'chainshock paths "SK hynix" "Device buyers"' in err
