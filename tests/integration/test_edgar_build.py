"""`chainshock build --filings` over the real EDGAR fixtures, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import SHARED_FILINGS, run_cli

pytestmark = pytest.mark.skipif(
    not (SHARED_FILINGS / "edgar").is_dir(), reason=f"EDGAR fixtures not found at {SHARED_FILINGS} (set CHAINSHOCK_FILINGS)"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("edgar-home")
    run_cli("build", "--filings", str(SHARED_FILINGS), home=home, check=True)
    return home


def test_paths_sk_hynix_to_nvidia_quote_the_annual_report(home: Path) -> None:
    out = json.loads(run_cli("paths", "SK hynix", "NVIDIA", "--json", home=home, check=True).stdout)
    evidence = [ev for p in out["paths"] for e in p["edges"] for ev in e["evidence"]]
    # NVIDIA's own filings, whichever source id cites them (curated and filed citations of
    # one accession are one source)
    filing = [ev for ev in evidence if (ev.get("accession") or "").startswith("0001045810-") and ev["method"] != "curated"]
    assert any("We purchase memory from SK Hynix Inc." in ev["quote"] for ev in filing), evidence


def test_msft_capex_fiscal_2025_from_the_text_10k(home: Path) -> None:
    out = json.loads(run_cli("facts", "MSFT", "--json", home=home, check=True).stdout)
    capex = [f for f in out["facts"] if f["metric"] == "capex" and f["fiscal_year"] == 2025 and f.get("fiscal_period", "FY") == "FY"]
    assert capex and capex[0]["value"] == 64_551_000_000


def test_nvidia_fiscal_years_are_its_own(home: Path) -> None:
    out = json.loads(run_cli("facts", "NVDA", "--json", home=home, check=True).stdout)
    fy26 = [f for f in out["facts"] if f["metric"] == "capex" and f["fiscal_year"] == 2026 and f.get("fiscal_period", "FY") == "FY"]
    assert fy26 and str(fy26[0]["period_end"]).startswith("2026-01")


def test_rebuild_is_byte_identical(home: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run_cli("build", "--filings", str(SHARED_FILINGS), home=again, check=True)
    for table in ("nodes", "edges", "evidence", "facts", "sources"):
        a = (home / "graph" / f"{table}.parquet").read_bytes()
        b = (again / "graph" / f"{table}.parquet").read_bytes()
        assert a == b, table
