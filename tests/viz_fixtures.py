"""Graphs for the view and report tests: hostile strings and a home on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chainshock.graph.schema import (
    Company,
    Contract,
    Edge,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Product,
    Source,
    edge_id,
    validate_graph,
)
from chainshock.graph.snapshot import records_to_tables, write_snapshot

__all__ = ["HOSTILE_NAME", "HOSTILE_QUOTE", "HOSTILE_TITLE", "home_with", "hostile_records"]

HOSTILE_NAME = '<script>window.__pwned = 1; alert("name")</script>Evil | Corp'
HOSTILE_QUOTE = '"><img src=x onerror="window.__pwned = 2; alert(\'quote\')"> we supply HBM'
HOSTILE_TITLE = "</script><svg onload=alert('title')>"
AS_OF = dt.date(2025, 6, 30)


def hostile_records() -> GraphRecords:
    sources = [
        Source(id="src:evil", kind="web", title=HOSTILE_TITLE, url="javascript:alert('url')"),
        Source(
            id="src:hynix-10k",
            kind="filing",
            title="SK hynix annual report",
            accession="0001234567-25-000001",
            cik="1234567",
        ),
    ]
    ev_evil = (Evidence(source_id="src:evil", quote=HOSTILE_QUOTE, locator="<b>p1</b>", as_of=AS_OF),)
    ev_filing = (Evidence(source_id="src:hynix-10k", quote="We sell HBM to NVIDIA.", as_of=AS_OF),)
    nodes = [
        Company(id="company:evil", name=HOSTILE_NAME, roles=("memory_producer",), ticker="<i>EVL</i>"),
        Company(id="company:sk-hynix", name="SK hynix", roles=("memory_producer",)),
        Company(id="company:nvidia", name="NVIDIA", roles=("chip_designer",)),
        Product(id="product:hbm", name="HBM", category="hbm"),
        Contract(
            id="contract:evil-lta",
            name='LTA "><script>alert(9)</script>',
            kind="lta",
            start=dt.date(2025, 1, 1),
            end=dt.date(2026, 12, 31),
            description="<iframe src=javascript:alert(3)>",
        ),
    ]
    share = Estimate(low=0.2, base=0.3, high=0.4, basis="<script>alert(4)</script> basis")
    edges = [
        Edge(
            id=edge_id("SUPPLIES", "company:evil", "company:nvidia", "product:hbm"),
            type="SUPPLIES",
            source="company:evil",
            target="company:nvidia",
            properties={"product": "product:hbm", "cost_share": share},
            evidence=ev_evil,
        ),
        Edge(
            id=edge_id("SUPPLIES", "company:sk-hynix", "company:nvidia", "product:hbm"),
            type="SUPPLIES",
            source="company:sk-hynix",
            target="company:nvidia",
            properties={"product": "product:hbm", "cost_share": Estimate(low=0.1, base=0.2, high=0.3, basis="test")},
            evidence=ev_filing,
        ),
        Edge(
            id=edge_id("PRODUCES", "company:sk-hynix", "product:hbm"),
            type="PRODUCES",
            source="company:sk-hynix",
            target="product:hbm",
            properties={"market_share": Estimate(low=0.5, base=0.6, high=0.64, basis="test")},
            evidence=ev_filing,
        ),
        Edge(
            id=edge_id("PARTY_TO", "company:evil", "contract:evil-lta"),
            type="PARTY_TO",
            source="company:evil",
            target="contract:evil-lta",
            properties={"role": "seller"},
            evidence=ev_evil,
        ),
        Edge(
            id=edge_id("PARTY_TO", "company:nvidia", "contract:evil-lta"),
            type="PARTY_TO",
            source="company:nvidia",
            target="contract:evil-lta",
            properties={"role": "buyer"},
            evidence=ev_evil,
        ),
    ]
    facts = [
        Fact(
            id="fact:company:sk-hynix:capex:2024",
            company="company:sk-hynix",
            metric="capex",
            fiscal_year=2024,
            period_end=dt.date(2024, 12, 31),
            value=1.2e10,
            source_id="src:hynix-10k",
            evidence=ev_filing,
        )
    ]
    records = GraphRecords(nodes=nodes, edges=edges, facts=facts, sources=sources)
    assert validate_graph(records) == []
    return records


def home_with(records: GraphRecords, home: Path) -> Path:
    """A CHAINSHOCK_HOME holding ``records`` as its snapshot."""
    write_snapshot(records_to_tables(records), home / "graph")
    return home
