"""Facts against the filings' own numbers (values checked by reading the documents)."""

import pytest

from chainshock.graph.schema import GraphRecords


def fact(records: GraphRecords, fid: str):
    hits = [f for f in records.facts if f.id == fid]
    assert hits, f"missing {fid}"
    return hits[0]


@pytest.mark.parametrize(
    ("fid", "value", "end"),
    [
        # companyfacts: PaymentsToAcquireProductiveAssets (the newer capex tag)
        ("fact:nvidia:capex:2025:FY", 3_236_000_000, "2025-01-26"),
        ("fact:nvidia:capex:2026:FY", 6_042_000_000, "2026-01-25"),
        ("fact:nvidia:purchase_obligations:2025:FY", 45_079_000_000, "2025-01-26"),
        ("fact:nvidia:remaining_performance_obligations:2026:Q3", 2_500_000_000, "2025-10-26"),
        # inline XBRL only (no companyfacts for Oracle/Amazon in the fixtures)
        ("fact:oracle:remaining_performance_obligations:2024:Q1", 64_900_000_000, "2023-08-31"),
        ("fact:oracle:capex:2024:Q1", 1_314_000_000, "2023-08-31"),
        ("fact:amazon:capex:2024:FY", 82_999_000_000, "2024-12-31"),
        ("fact:alphabet:capex:2024:FY", 52_535_000_000, "2024-12-31"),
        ("fact:alphabet:remaining_performance_obligations:2024:FY", 93_200_000_000, "2024-12-31"),
        ("fact:apple:capex:2024:FY", 9_447_000_000, "2024-09-28"),
    ],
)
def test_xbrl_facts_exact(loaded: GraphRecords, fid: str, value: float, end: str) -> None:
    f = fact(loaded, fid)
    assert f.value == value
    assert str(f.period_end) == end
    assert f.evidence[0].method == "xbrl"
    assert f.unit == "USD"


def test_restated_year_keeps_latest_and_both_sources(loaded: GraphRecords) -> None:
    f = fact(loaded, "fact:nvidia:capex:2024:FY")
    assert f.value == 1_069_000_000
    accessions = [e.source_id for e in f.evidence]
    assert f.source_id == accessions[0]
    assert "edgar:0001045810-24-000029" in accessions  # the original 10-K
    assert len(set(accessions)) >= 2


def test_fiscal_year_is_the_periods_not_the_filings(loaded: GraphRecords) -> None:
    # companyfacts' fy for the FY2024 capex restated in the FY2026 10-K is 2026; the fact says 2024.
    f = fact(loaded, "fact:nvidia:capex:2024:FY")
    assert f.fiscal_year == 2024 and str(f.period_end) == "2024-01-28"
    for f in loaded.facts:
        if f.company == "company:nvidia" and f.fiscal_period == "FY" and f.unit == "USD":
            assert f.period_end.year == f.fiscal_year, f.id


def test_msft_capex_from_text_10k(loaded: GraphRecords) -> None:
    f = fact(loaded, "fact:microsoft:capex:2025:FY")
    assert f.value == 64_551_000_000
    ev = f.evidence[0]
    assert ev.method == "text"
    assert "Additions to property and equipment" in ev.quote
    assert ev.locator.startswith("item 8 chars ")
    q1 = fact(loaded, "fact:microsoft:capex:2026:Q1")
    assert q1.value == 19_394_000_000


def test_text_rpo_and_customer_concentration(loaded: GraphRecords) -> None:
    assert fact(loaded, "fact:microsoft:remaining_performance_obligations:2025:FY").value == 375e9
    assert fact(loaded, "fact:nvidia:customer_a_revenue_share:2025:FY").value == 0.12
    assert fact(loaded, "fact:nvidia:customer_a_revenue_share:2024:FY").value == 0.13
    assert fact(loaded, "fact:microsoft:revenue:2025:FY").value == 281_724_000_000
    # a quarter's shares from NVIDIA's plain-text 10-Q
    q3 = fact(loaded, "fact:nvidia:customer_a_revenue_share:2026:Q3")
    assert q3.value == 0.22 and str(q3.period_end) == "2025-10-26"
    assert fact(loaded, "fact:nvidia:customer_d_revenue_share:2026:Q3").value == 0.11


def test_one_fact_per_id_and_values_in_units(loaded: GraphRecords) -> None:
    ids = [f.id for f in loaded.facts]
    assert len(ids) == len(set(ids))
    revenue = fact(loaded, "fact:nvidia:revenue:2025:FY")
    assert revenue.value == 130_497_000_000


@pytest.mark.parametrize(
    ("fid", "value", "end", "method"),
    [
        # XBRL OperatingIncomeLoss (companyfacts or inline)
        ("fact:nvidia:operating_income:2025:FY", 81_453_000_000, "2025-01-26", "xbrl"),
        ("fact:amazon:operating_income:2024:FY", 68_593_000_000, "2024-12-31", "xbrl"),
        ("fact:amazon:operating_income:2023:FY", 36_852_000_000, "2023-12-31", "xbrl"),
        ("fact:texas-instruments:operating_income:2023:FY", 7_331_000_000, "2023-12-31", "xbrl"),
        ("fact:apple:operating_income:2024:FY", 123_216_000_000, "2024-09-28", "xbrl"),
        # text-only filings: the income statement's "Operating income" line, current and comparative columns
        ("fact:microsoft:operating_income:2025:FY", 128_528_000_000, "2025-06-30", "text"),
        ("fact:microsoft:operating_income:2024:FY", 109_433_000_000, "2024-06-30", "text"),
        ("fact:microsoft:operating_income:2026:Q1", 37_961_000_000, "2025-09-30", "text"),
    ],
)
def test_operating_income(loaded: GraphRecords, fid: str, value: float, end: str, method: str) -> None:
    f = fact(loaded, fid)
    assert f.metric == "operating_income"
    assert f.value == value
    assert str(f.period_end) == end
    assert f.evidence[0].method == method


def test_every_filer_with_an_income_statement_has_operating_income(loaded: GraphRecords) -> None:
    with_revenue = {f.company for f in loaded.facts if f.metric == "revenue"}
    with_oi = {f.company for f in loaded.facts if f.metric == "operating_income"}
    assert with_revenue - with_oi == set()
    assert len(with_oi) >= 8


def test_prior_year_comparatives_from_text_carry_their_own_years(loaded: GraphRecords) -> None:
    # Microsoft's FY2025 10-K (text rendering) states FY2024 and FY2023 capex beside FY2025.
    f = fact(loaded, "fact:microsoft:capex:2024:FY")
    assert f.value == 44_477_000_000 and f.fiscal_year == 2024 and str(f.period_end) == "2024-06-30"
    assert f.source_id == "edgar:0000950170-25-100235"
    assert "comparative column: 1 year earlier" in f.evidence[0].locator
    assert fact(loaded, "fact:microsoft:capex:2023:FY").value == 28_107_000_000
    # the Q1 FY2026 10-Q states Q1 FY2025 beside it
    q = fact(loaded, "fact:microsoft:capex:2025:Q1")
    assert q.value == 14_923_000_000 and str(q.period_end) == "2024-09-30"


def test_text_fact_quotes_are_verbatim_in_their_filing(loaded: GraphRecords, filings) -> None:
    # statement lines quote the scale note, the column header and the line, each verbatim
    from chainshock.graph.audit import quote_in_text
    from chainshock.loaders.edgar.document import read_filing_text

    paths = {s.accession: s for s in loaded.sources if s.accession}
    texts: dict[str, str] = {}
    checked = 0
    for f in loaded.facts:
        for ev in f.evidence:
            if ev.method != "text" or not ev.source_id.startswith("edgar:"):
                continue
            accession = ev.source_id.split(":", 1)[1]
            if accession not in texts:
                src = paths[accession]
                doc = next((filings / "edgar" / "filings").glob(f"*/{accession}/{src.url.rsplit('/', 1)[1]}"))
                texts[accession] = read_filing_text(doc)[1]
            assert quote_in_text(ev.quote, texts[accession]), (f.id, ev.quote)
            checked += 1
    assert checked >= 20
