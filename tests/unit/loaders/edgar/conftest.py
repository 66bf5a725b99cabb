"""Fixtures pinned to the real EDGAR documents in ``$CHAINSHOCK_FILINGS`` (default ../shared/filings)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from chainshock.graph.schema import Company, GraphRecords

REPO = Path(__file__).resolve().parents[4]


def filings_dir() -> Path:
    return Path(os.environ.get("CHAINSHOCK_FILINGS") or (REPO / ".." / "shared" / "filings")).resolve()


@pytest.fixture(scope="session")
def filings() -> Path:
    path = filings_dir()
    if not (path / "edgar").is_dir():
        pytest.skip(f"EDGAR fixtures not found at {path} (set CHAINSHOCK_FILINGS)")
    return path


def known_records() -> GraphRecords:
    return GraphRecords(nodes=[
        Company(id="company:nvidia", name="NVIDIA Corporation", roles=("chip_designer",), ticker="NVDA", cik="1045810"),
        Company(id="company:sk-hynix", name="SK hynix Inc.", roles=("memory_producer",), aliases=("SK hynix", "Hynix")),
        Company(id="company:microsoft", name="Microsoft", roles=("hyperscaler",), ticker="MSFT"),
        Company(id="company:tsmc", name="Taiwan Semiconductor Manufacturing Company", roles=("foundry",), ticker="TSM"),
    ])


@pytest.fixture(scope="session")
def loaded(filings: Path) -> GraphRecords:
    from chainshock.loaders.edgar import load_filings

    return load_filings(filings, known_records(), embedder=None)
