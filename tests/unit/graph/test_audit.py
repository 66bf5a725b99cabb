"""Evidence grades and party naming (chainshock.graph.audit)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from chainshock.errors import DataError
from chainshock.graph.audit import (
    Party,
    SourceInfo,
    audit_edges,
    consistency_problems,
    evidence_grade,
    names_party,
    quote_in_text,
    stale_baselines,
)
from chainshock.loaders.curated import load_curated

NVDA = Party("company:nvidia", ("NVIDIA Corporation", "NVIDIA"), ticker="NVDA", cik="1045810")
HYNIX = Party("company:sk-hynix", ("SK hynix Inc.", "SK Hynix", "Hynix"), ticker="000660")


def test_names_by_alias_ticker_and_own_we():
    assert names_party("Memory from SK Hynix Inc. and others", HYNIX, own_source=False)
    assert names_party("NVDA shares rose", NVDA, own_source=False)
    assert not names_party("nvda shares rose", NVDA, own_source=False)  # tickers are upper case
    assert not names_party("Our suppliers make HBM", NVDA, own_source=False)
    assert names_party("Our suppliers make HBM", NVDA, own_source=True)
    assert not names_party("Hynixes", HYNIX, own_source=False)  # whole words only


def test_grades():
    assert evidence_grade("curated", SourceInfo("s", "filing", accession="1")) == "filed"
    assert evidence_grade("curated", SourceInfo("s", "press_release")) == "primary"
    assert evidence_grade("curated", SourceInfo("s", "article", reliability="secondary")) == "secondary"
    assert evidence_grade("judgement", SourceInfo("s", "article")) == "judgement"
    assert evidence_grade("inferred", SourceInfo("s", "filing", accession="1")) == "inferred"


def _edge(quote: str, source_id: str = "k", method: str = "curated", **props):
    return {"id": "e", "type": "SUPPLIES", "source": "company:sk-hynix", "target": "company:nvidia",
            "properties": props, "evidence": [{"source_id": source_id, "quote": quote, "method": method}]}


def test_own_filing_we_proves_the_filer_side_only():
    parties = {p.id: p for p in (NVDA, HYNIX)}
    sources = {"k": SourceInfo("k", "filing", cik="0001045810", accession="0001045810-25-000023")}
    proven = audit_edges([_edge("We buy HBM from SK Hynix.")], parties, sources)[0]
    assert (proven.status, proven.grade, proven.names) == ("proven", "filed", {"source": True, "target": True})
    half = audit_edges([_edge("We buy HBM from three suppliers.")], parties, sources)[0]
    assert half.status == "unsupported" and half.names == {"source": False, "target": True}
    other = {"k": SourceInfo("k", "article", "secondary")}
    assert audit_edges([_edge("We buy HBM from SK Hynix.")], parties, other)[0].status == "unsupported"


def test_inferred_needs_a_basis_and_judgement_never_proves():
    parties = {p.id: p for p in (NVDA, HYNIX)}
    sources = {"k": SourceInfo("k", "research")}
    a = audit_edges([_edge("x", inferred=True)], parties, sources)[0]
    assert a.status == "inferred" and a.problems
    b = audit_edges([_edge("SK hynix sells to NVIDIA", method="judgement")], parties, sources)[0]
    assert b.status == "unsupported"


def test_quote_normalisation():
    assert quote_in_text("the Company’s  customers", "The Company's\n customers buy")
    assert quote_in_text("AT&amp;T", "AT&T said")
    assert not quote_in_text("customers buy more", "The Company's customers buy")
    assert quote_in_text("Total revenues $ 307,394 $ 350,018", "Total revenues | $307,394 | $350,018")


def _tables(nodes, facts):
    return {"nodes": pd.DataFrame(nodes), "facts": pd.DataFrame(facts)}


def test_cost_base_above_revenue_and_two_values():
    nodes = [{"id": "company:a", "label": "Company", "properties": '{"cost_base_usd": {"base": 120.0}}'}]
    fact = {"company": "company:a", "metric": "revenue", "fiscal_year": 2025, "fiscal_period": "FY",
            "period_end": dt.date(2025, 12, 31), "value": 100.0, "unit": "USD", "estimate": None}
    problems = consistency_problems(_tables(nodes, [fact, {**fact, "value": 101.0}]))
    assert len(problems) == 2 and "exceeds" in problems[0] and "two values" in problems[1]
    assert stale_baselines(_tables(nodes, [fact]), dt.date(2026, 6, 1)) == []
    assert len(stale_baselines(_tables(nodes, [fact]), dt.date(2027, 6, 1))) == 1


def test_alias_split_inside_parentheses_is_refused(tmp_path: Path):
    (tmp_path / "sources.yaml").write_text(
        "- {id: src:x, kind: web, title: X, url: 'https://example.com', as_of: 2025-01-01}\n"
    )
    (tmp_path / "companies.yaml").write_text(textwrap.dedent("""\
        - id: company:a
          name: A
          roles: [foundry]
          aliases: [A Co, A Group (chips, with B)]
          evidence: {source: src:x, quote: "A makes chips", as_of: 2025-01-01}
        """))
    with pytest.raises(DataError, match=r"companies.yaml:4: company:a: aliases.1: alias .A Group \(chips. has unbalanced parentheses"):
        load_curated(tmp_path)


def test_inferred_edges_get_method_inferred(tmp_path: Path):
    (tmp_path / "sources.yaml").write_text(
        "- {id: src:x, kind: web, title: X, url: 'https://example.com', as_of: 2025-01-01}\n"
    )
    (tmp_path / "edges").mkdir()
    (tmp_path / "edges" / "e.yaml").write_text(textwrap.dedent("""\
        - type: SUPPLIES
          source: company:a
          target: company:b
          inferred: true
          basis: "b buys servers (filed); servers contain a's chips (cited)"
          evidence: {source: src:x, quote: "servers contain chips", as_of: 2025-01-01}
        """))
    records, _ = load_curated(tmp_path)
    assert records.edges[0].evidence[0].method == "inferred"
    assert records.edges[0].properties["inferred"] is True
