"""Fixtures pinned to the real EDGAR documents in ``$CHAINSHOCK_FILINGS`` (default ../shared/filings)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from edgar_support import known_records

from chainshock.graph.schema import GraphRecords

REPO = Path(__file__).resolve().parents[4]


def filings_dir() -> Path:
    return Path(os.environ.get("CHAINSHOCK_FILINGS") or (REPO / ".." / "shared" / "filings")).resolve()


@pytest.fixture(scope="session")
def filings() -> Path:
    path = filings_dir()
    if not (path / "edgar").is_dir():
        pytest.skip(f"EDGAR fixtures not found at {path} (set CHAINSHOCK_FILINGS)")
    return path


@pytest.fixture(scope="session")
def loaded(filings: Path) -> GraphRecords:
    from chainshock.loaders.edgar import load_filings

    return load_filings(filings, known_records(), embedder=None)
