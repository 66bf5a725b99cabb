"""The notebook API (chainshock.open and what it returns), on a real built graph."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from support import run_cli

import chainshock
from chainshock.api import Graph, find_home
from chainshock.errors import ChainshockError, NotFoundError, SnapshotError


@pytest.fixture(scope="module")
def g(built_home: Path) -> Graph:
    return chainshock.open(built_home, quiet=True)


def test_find_home_order(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / ".chainshock" / "graph").mkdir(parents=True)
    (project / ".chainshock" / "graph" / "manifest.json").write_text("{}")
    deep = project / "notebooks" / "2026"
    deep.mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("CHAINSHOCK_HOME", str(tmp_path / "env-home"))
    assert find_home(cwd=deep) == ((tmp_path / "env-home").resolve(), "$CHAINSHOCK_HOME")
    assert find_home(tmp_path / "given", cwd=deep)[1] == "given"
    assert find_home(project / ".chainshock" / "graph")[0] == (project / ".chainshock").resolve()  # a snapshot folder
    monkeypatch.delenv("CHAINSHOCK_HOME")
    assert find_home(cwd=deep) == ((project / ".chainshock").resolve(), "the nearest .chainshock/ above the working folder")
    assert find_home(cwd=project)[1] == "./.chainshock"
    assert find_home(cwd=tmp_path) == (tmp_path / "xdg" / "chainshock", "the user data folder")


def test_open_says_where_it_looked_and_can_build_there(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CHAINSHOCK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SnapshotError, match=r"looked in \$CHAINSHOCK_HOME \(unset\).*xdg/chainshock/graph.*build=True"):
        chainshock.open()
    g = chainshock.open(build=True)
    assert (tmp_path / "xdg" / "chainshock" / "graph" / "manifest.json").is_file()
    assert "the user data folder" in capsys.readouterr().err
    assert len(g.snapshot.nodes) > 100 and "user data folder" in repr(g)


def test_company_tables_are_typed_and_sourced(g):
    nvda = g.company("NVDA")
    assert (nvda.id, nvda.ticker) == ("company:nvidia", "NVDA")
    facts = nvda.facts
    assert facts["period_end"].dtype.kind == "M" and facts["value"].dtype.kind == "f"
    assert str(facts["fiscal_year"].dtype) == "Int64"
    assert facts["accession"].notna().any() and facts["source_id"].notna().all()
    sup = nvda.suppliers
    assert {"company:sk-hynix", "company:micron", "company:samsung-electronics"} <= set(sup["supplier"])
    hbm = sup[sup["product"] == "product:hbm"]
    assert (hbm["evidence_count"] >= 1).all() and hbm["quote"].str.contains("SK Hynix|Micron|Samsung", case=False).all()
    inputs = nvda.inputs.set_index("product")
    assert inputs.loc["product:hbm", "cost_share_low"] <= inputs.loc["product:hbm", "cost_share"] <= inputs.loc["product:hbm", "cost_share_high"]
    for table in (facts, sup, nvda.customers, nvda.inputs):
        for col in table.columns:
            assert not any(isinstance(v, str) and v.lstrip().startswith("{") for v in table[col]), col
    assert g.company("000660.KS").id == "company:sk-hynix"
    with pytest.raises(NotFoundError, match="did you mean"):
        g.company("NVIDIAA")


def test_shock_by_name_equals_the_cli(g, built_home):
    s = g.shock("memory-squeeze", draws=0)
    cli = json.loads(run_cli("shock", "memory-squeeze", "--draws", "0", "--json", home=built_home, check=True).stdout)
    prices = s.prices.set_index("node")["price_change"]
    for imp in cli["impacts"]:
        assert prices[imp["node"]] == pytest.approx(imp["price_change"], abs=1e-12)
    assert len(s.indexes) == len(cli["indexes"])
    assert s.quarters.groupby("node").size().eq(len(cli["scenario"]["quarters"])).all()
    assert (s.paths["share"] > 0).all() and s.paths["route"].str.contains(" → ").all()
    text = repr(s)
    assert len(text) < 300 and "memory-squeeze" in text and "NVIDIA" in text
    assert "<table>" in s._repr_html_()


def test_shock_from_a_mapping_and_comparison(g):
    both = g.shock({"HBM": 30, "product:dram": 20}, draws=0, start="2026Q1")
    hbm = g.shock({"HBM": 30}, draws=0, start="2026Q1")
    assert {s.node for s in both.result.scenario.shocks} == {"product:hbm", "product:dram"}
    cmp = both.compare(hbm)
    prices = cmp.prices.set_index("node")
    # DRAM falls away in b: every DRAM buyer moves less (or equal), none more
    assert prices.loc["product:dram", "b"] != prices.loc["product:dram", "a"]
    assert (prices["delta"].dropna() <= 1e-12).all()
    assert cmp.indexes["delta"].notna().all()
    assert "pp" in repr(cmp)
    # Who gains and who pays in USD from both ledgers: HBM and DRAM makers gain more with both shocked.
    out = cmp.outcome.set_index("node")
    gains = out[out["role"] == "gains"]
    assert str(gains["a_usd"].dtype) == "Float64" and len(gains) > 0
    assert (gains["delta_usd"].dropna() <= 1e-6).all()  # b (HBM alone) gives no producer more
    ledger_a = both.ledger.groupby("node")["operating_income_change_usd"].sum()
    for node, row in out.iterrows():
        if not pd.isna(row["a_usd"]):
            assert row["a_usd"] == pytest.approx(ledger_a[node], rel=1e-9)


def test_comparison_report_is_written(g, tmp_path):
    cmp = g.shock({"HBM": 30}, draws=0, start="2026Q1").compare(g.shock({"HBM": 10}, draws=0, start="2026Q1"))
    md = cmp.report(tmp_path / "cmp.md").read_text()
    assert "## Who gains and who pays, side by side" in md
    with pytest.raises(ChainshockError, match="use a file ending in"):
        cmp.report(tmp_path / "cmp.txt")


def test_ledger_is_honest(g):
    s = g.shock({"HBM": 30}, draws=0, start="2026Q1")
    if getattr(s.result, "ledger", None) is None:
        with pytest.raises(ChainshockError, match="no dollar ledger"):
            _ = s.ledger
    else:  # the economics engine provides it: the issue-10 columns, in USD
        assert list(s.ledger.columns[:5]) == [
            "node", "quarter", "revenue_change_usd", "cost_change_usd", "operating_income_change_usd"]


def test_cypher_and_networkx(g, built_home):
    df = g.cypher("MATCH (c:Company)-[r:PRODUCES]->(p:Product {id: $product}) "
                  "RETURN c.id AS producer, r.market_share_base AS share ORDER BY share DESC", product="product:hbm")
    assert df["share"].dtype.kind == "f" and df["producer"].iloc[0] == "company:sk-hynix"
    lib = g.cypher("suppliers_of", company="NVDA")
    cli = json.loads(run_cli("cypher", "--name", "suppliers_of", "--param", "company=NVDA", "--json",
                             home=built_home, check=True).stdout)
    assert list(lib.columns) == cli["columns"]
    assert lib["supplier"].tolist() == [r["supplier"] for r in cli["rows"]]
    assert lib["quote"].tolist() == [r["quote"] for r in cli["rows"]]
    G = g.to_networkx()
    assert G.number_of_nodes() == len(g.snapshot.nodes) and G.number_of_edges() == len(g.snapshot.edges)
    with pytest.raises(ChainshockError, match="engine"):
        g.cypher("RETURN 1", engine="oracle")


def test_report_view_and_exports(g, tmp_path):
    import pandas as pd

    s = g.shock({"HBM": 30}, draws=0, start="2026Q1")
    assert s.report(tmp_path / "r.md").read_text().strip()
    v = s.view()
    assert v.nodes > 0 and v._repr_html_().startswith("<iframe srcdoc=")
    assert v.save(tmp_path / "v.html").stat().st_size > 10_000
    [xlsx] = s.export(tmp_path / "s.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == set(s.tables)
    assert {"prices", "quarters", "paths", "indexes"} <= set(sheets)
    assert sheets["prices"]["price_change"].tolist() == pytest.approx(s.prices["price_change"].tolist())
    files = s.export(tmp_path / "s.parquet")
    assert [f.name for f in files] == ["s.parquet"] + [f"s-{name}.parquet" for name in list(s.tables)[1:]]
    assert pd.read_parquet(files[0])["price_change"].tolist() == pytest.approx(s.prices["price_change"].tolist())
    with pytest.raises(ChainshockError, match=r"\.csv, \.parquet or \.xlsx"):
        s.export(tmp_path / "s.txt")


def test_sweep_is_linear_in_the_shock(g):
    df = g.sweep("HBM=10:30:10", draws=0, start="2026Q1")
    nv = df[(df["kind"] == "price") & (df["node"] == "company:nvidia")].set_index("pct")["change"]
    assert nv.loc[30.0] == pytest.approx(3 * nv.loc[10.0])  # the price model is linear in the shock
