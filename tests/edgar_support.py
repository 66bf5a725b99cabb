"""Shared test data for the EDGAR loader tests (a few curated companies)."""

from __future__ import annotations

from chainshock.graph.schema import Company, GraphRecords


def known_records() -> GraphRecords:
    return GraphRecords(nodes=[
        Company(id="company:nvidia", name="NVIDIA Corporation", roles=("chip_designer",), ticker="NVDA", cik="1045810"),
        Company(id="company:sk-hynix", name="SK hynix Inc.", roles=("memory_producer",), aliases=("SK hynix", "Hynix")),
        Company(id="company:microsoft", name="Microsoft", roles=("hyperscaler",), ticker="MSFT"),
        Company(id="company:tsmc", name="Taiwan Semiconductor Manufacturing Company", roles=("foundry",), ticker="TSM"),
    ])
