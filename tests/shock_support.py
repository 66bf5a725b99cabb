"""A small AI supply chain built in code, for the shock tests.

memory (HBM, DRAM) -> GPU maker -> GPU -> server maker -> AI server ->
cloud -> device buyers, with a sourcing edge, an optional fixed-price HBM
contract, capex shares, a backlog fact and two indexes. Numbers are made up
to make hand checks easy; every edge still carries evidence, as the schema
requires.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from chainshock.graph.schema import (
    Company,
    Contract,
    Edge,
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Index,
    Product,
    Source,
    edge_id,
    validate_graph,
)
from chainshock.graph.snapshot import read_snapshot, records_to_tables, write_snapshot

__all__ = ["SRC", "chain_records", "write_chain"]

SRC = "src:test-fixture"
_AS_OF = dt.date(2025, 12, 31)


def _ev() -> tuple[Evidence, ...]:
    return (Evidence(source_id=SRC, quote="test fixture", as_of=_AS_OF),)


def est(low: float, base: float | None = None, high: float | None = None) -> Estimate:
    base = low if base is None else base
    high = base if high is None else high
    return Estimate(low=low, base=base, high=high, basis="test fixture")


def _edge(type_: str, source: str, target: str, qualifier: str | None = None, **props: Any) -> Edge:
    return Edge(
        id=edge_id(type_, source, target, qualifier),
        type=type_,  # type: ignore[arg-type]
        source=source,
        target=target,
        properties=props,
        evidence=_ev(),
    )


def chain_records(
    *,
    gpu_theta: Estimate | None = None,
    contract_share: Estimate | None = None,
    contract_end: dt.date | None = None,
    ranges: bool = True,
) -> GraphRecords:
    """The test chain. ``contract_share`` adds a fixed-price HBM LTA for the GPU maker."""
    r = (lambda lo, b, hi: est(lo, b, hi)) if ranges else (lambda lo, b, hi: est(b))
    nodes = [
        Company(id="company:hynix", name="Hynix", roles=("memory_producer",), ticker="000660.KS"),
        Company(id="company:micron", name="Micron", roles=("memory_producer",), ticker="MU"),
        Company(
            id="company:gpu",
            name="GPU Co",
            roles=("chip_designer",),
            ticker="GPU",
            pass_through=gpu_theta or r(0.4, 0.5, 0.6),
            cost_base_usd=r(9e9, 1e10, 1.1e10),
        ),
        Company(
            id="company:oem",
            name="OEM",
            roles=("server_maker",),
            pass_through=r(0.8, 0.9, 1.0),
        ),
        Company(
            id="company:cloud",
            name="Cloud",
            roles=("hyperscaler",),
            ticker="CLD",
            pass_through=r(0.2, 0.3, 0.4),
            cost_base_usd=r(5e10, 6e10, 7e10),
        ),
        Company(id="company:cloud2", name="Cloud Two", roles=("hyperscaler",)),
        Company(id="company:buyers", name="Device buyers", roles=("consumer_segment",), segment=True),
        Product(id="product:hbm", name="HBM", category="hbm", market_size_usd=r(3e10, 3.5e10, 4e10)),
        Product(id="product:dram", name="DRAM", category="dram"),
        Product(id="product:gpu", name="GPU", category="gpu_accelerator"),
        Product(id="product:server", name="AI server", category="ai_server"),
        Index(id="index:kospi", name="KOSPI", weighting="cap"),
        Index(id="index:sp500", name="S&P 500", weighting="cap"),
    ]
    edges = [
        _edge("PRODUCES", "company:hynix", "product:hbm", market_share=r(0.55, 0.6, 0.65)),
        _edge("PRODUCES", "company:micron", "product:hbm", market_share=r(0.15, 0.2, 0.25)),
        _edge("PRODUCES", "company:micron", "product:dram", market_share=r(0.2, 0.25, 0.3)),
        _edge("USES", "company:gpu", "product:hbm", cost_share=r(0.25, 0.3, 0.35)),
        _edge("SUPPLIES", "company:hynix", "company:gpu", "product:hbm", product="product:hbm"),
        _edge("PRODUCES", "company:gpu", "product:gpu", market_share=r(0.8, 0.9, 0.95)),
        _edge("USES", "company:oem", "product:gpu", cost_share=r(0.5, 0.6, 0.7)),
        _edge("USES", "company:oem", "product:dram", cost_share=r(0.05, 0.1, 0.15)),
        _edge("PRODUCES", "company:oem", "product:server", market_share=r(0.3, 0.4, 0.5)),
        _edge("USES", "company:cloud", "product:server", cost_share=r(0.3, 0.4, 0.5)),
        _edge("SUPPLIES", "company:cloud", "company:buyers", cost_share=r(0.1, 0.2, 0.3)),
        _edge("SUPPLIES", "company:oem", "company:cloud", capex_share=r(0.4, 0.5, 0.6)),
        _edge("SUPPLIES", "company:gpu", "company:cloud2", capex_share=r(0.2, 0.3, 0.4)),
        _edge("CONSTITUENT_OF", "company:hynix", "index:kospi", weight=r(0.1, 0.12, 0.14)),
        _edge("CONSTITUENT_OF", "company:gpu", "index:sp500", weight=r(0.06, 0.07, 0.08)),
        _edge("CONSTITUENT_OF", "company:cloud", "index:sp500", weight=r(0.05, 0.06, 0.07)),
    ]
    if contract_share is not None:
        nodes.append(
            Contract(
                id="contract:gpu-hbm-lta",
                name="GPU Co HBM LTA",
                kind="lta",
                start=dt.date(2025, 1, 1),
                end=contract_end,
            )
        )
        edges += [
            _edge("PARTY_TO", "company:gpu", "contract:gpu-hbm-lta", role="buyer"),
            _edge("PARTY_TO", "company:hynix", "contract:gpu-hbm-lta", role="seller"),
            _edge(
                "COVERS",
                "contract:gpu-hbm-lta",
                "product:hbm",
                fixed_share=contract_share,
                price_terms="fixed",
            ),
        ]

    def fact(company: str, metric: str, value: float, year: int = 2025) -> Fact:
        return Fact(
            id=f"fact:{company}:{metric}:{year}",
            company=company,
            metric=metric,
            fiscal_year=year,
            period_end=dt.date(year, 12, 31),
            value=value,
            source_id=SRC,
            evidence=_ev(),
        )

    facts = [
        fact("company:cloud", "capex", 6e10),
        fact("company:cloud2", "capex", 2e10),
        fact("company:cloud", "capex", 4e10, 2024),
        fact("company:oem", "backlog", 2e10),
        fact("company:oem", "cost_of_revenue", 8e10),
        fact("company:gpu", "operating_income", 5e10),
        fact("company:cloud", "operating_income", 1e11),
        fact("company:hynix", "operating_income", 2e10),
        # revenue equal to the cost base: cost-to-revenue 1, so value-terms A equals the
        # curated cost shares and the hand calculations below stay simple
        fact("company:gpu", "revenue", 1e10),
        fact("company:oem", "revenue", 8e10),
        fact("company:cloud", "revenue", 6e10),
    ]
    sources = [Source(id=SRC, kind="dataset", title="test fixture", url="https://example.org/fixture")]
    records = GraphRecords(nodes=nodes, edges=edges, facts=facts, sources=sources)
    problems = validate_graph(records)
    assert not problems, problems
    return records


def write_chain(path: Path, **kwargs: Any) -> Any:
    """Write the chain as a snapshot at ``path`` and open it."""
    write_snapshot(records_to_tables(chain_records(**kwargs)), path)
    return read_snapshot(path)
