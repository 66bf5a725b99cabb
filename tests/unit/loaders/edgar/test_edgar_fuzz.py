"""Fuzz the parsers: any input gives a well-formed result or a ValueError, never a crash.

Each test also says what the result must look like, so a parser that
returned garbage (or nothing) instead of raising would fail.
"""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainshock.loaders.edgar.companyfacts import parse_companyfacts
from chainshock.loaders.edgar.fiscal import FiscalCalendar
from chainshock.loaders.edgar.ixbrl import parse_inline_xbrl, parse_ix_number
from chainshock.loaders.edgar.relations import customer_concentration, extract_relations
from chainshock.loaders.edgar.sections import split_items
from chainshock.loaders.edgar.submissions import parse_submissions
from chainshock.loaders.edgar.text import sentences, sgml_documents
from chainshock.loaders.edgar.textfacts import balance_sentences, statement_lines

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)
filing_text = st.text(
    alphabet=st.sampled_from(list("Item 1A.7 5.02 PART II We purchase memory from SK Hynix Inc., Samsung Co., Ltd.\n$%0123456789()")),
    max_size=600,
)


def _looks_like(doc: object, *keys: str) -> bool:
    return isinstance(doc, dict) and all(k in doc for k in keys) and str(doc[keys[0]]).strip().isdigit()


cik_values = st.one_of(st.integers(0, 10**10), st.text(max_size=12), st.none())


@FAST
@given(json_values | st.fixed_dictionaries({"cik": cik_values, "facts": json_values, "entityName": json_values}))
def test_companyfacts_gives_a_document_or_a_value_error(doc: object) -> None:
    try:
        out = parse_companyfacts(doc)
    except ValueError as e:
        assert str(e)
        assert not _looks_like(doc, "cik", "facts"), "a well-formed companyfacts document was refused"
        return
    assert _looks_like(doc, "cik", "facts")
    assert out.cik == str(doc["cik"]).strip().zfill(10)  # type: ignore[index]
    assert isinstance(out.name, str)
    for o in out.observations:
        assert o.cik == out.cik and math.isfinite(o.value)


@FAST
@given(st.fixed_dictionaries({"cik": st.one_of(st.integers(0, 10**10), st.text(max_size=12)), "facts": json_values}))
def test_companyfacts_shapes(doc: dict) -> None:
    try:
        out = parse_companyfacts(doc)
    except ValueError:
        return
    assert all(o.cik.isdigit() and len(o.cik) == 10 for o in out.observations)


@FAST
@given(
    json_values
    | st.fixed_dictionaries(
        {
            "cik": cik_values,
            "name": json_values,
            "tickers": json_values,
            "filings": st.fixed_dictionaries(
                {"recent": st.fixed_dictionaries({"accessionNumber": json_values, "form": json_values})}
            )
            | json_values,
        }
    )
)
def test_submissions_gives_a_filer_or_a_value_error(doc: object) -> None:
    try:
        out = parse_submissions(doc)
    except ValueError:
        assert not _looks_like(doc, "cik", "filings"), "a well-formed submissions document was refused"
        return
    assert _looks_like(doc, "cik", "filings")
    assert out.cik.isdigit() and len(out.cik) >= 10
    assert all(isinstance(t, str) for t in out.tickers)
    for accn, meta in out.filings.items():
        assert meta.accession == accn and meta.cik == out.cik


@FAST
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_inline_xbrl_gives_a_document(data: bytes) -> None:
    out = parse_inline_xbrl(b'<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><ix:nonFraction name="us-gaap:Revenues">' + data)
    # the fuzzed bytes never carry a context or a unit, so no fact may come out of them
    assert out.facts == []
    assert out.n_nonfraction >= 0 and all(isinstance(v, str) for v in out.dei.values())


def test_inline_xbrl_reads_a_valid_fact_among_garbage() -> None:
    """The counterpart: the same parser does return a fact when one is there."""
    doc = (
        b'<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" xmlns:xbrli="http://www.xbrl.org/2003/instance">'
        b'<ix:resources><xbrli:context id="c1"><xbrli:period><xbrli:startDate>2024-01-29</xbrli:startDate>'
        b"<xbrli:endDate>2025-01-26</xbrli:endDate></xbrli:period></xbrli:context>"
        b'<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit></ix:resources>'
        b"\x00\xff<<garbage>>"
        b'<ix:nonFraction name="us-gaap:Revenues" contextRef="c1" unitRef="usd" scale="6" '
        b'format="ixt:num-dot-decimal">130,497</ix:nonFraction></html>'
    )
    out = parse_inline_xbrl(doc)
    assert [(f.metric, f.value, f.end) for f in out.facts] == [("revenue", 130_497e6, dt.date(2025, 1, 26))]


@FAST
@given(st.text(max_size=20), st.sampled_from([None, "ixt:num-dot-decimal", "ixt:fixed-zero", "ixt:num-comma-decimal", "ixt-sec:numwordsen"]))
def test_ix_number(text: str, fmt: str | None) -> None:
    value = parse_ix_number(text, fmt)
    assert value is None or value >= 0


@FAST
@given(filing_text, st.sampled_from(["10-K", "10-Q", "8-K", None]))
def test_text_parsers_never_crash(text: str, form: str | None) -> None:
    sections = split_items(text, form)
    for s in sections:
        assert 0 <= s.start < s.end <= len(text)
    for sent in sentences(text):
        assert 0 <= sent.start <= sent.end <= len(text)
    for rel in extract_relations(text, sections, form, lambda n: n == "Samsung"):
        assert rel.edge_type in ("SUPPLIES", "INVESTS_IN", "PARTNERS_WITH") and 0 < rel.confidence <= 1
        assert rel.name and rel.name in text
    for conc in customer_concentration(text, sections):
        assert 0 < conc.share <= 1
    statement_lines(text, 0, len(text))
    balance_sentences(text, 0, len(text))
    # the alphabet has no '<', so no SGML document can be found
    assert sgml_documents(text) == []


@FAST
@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), st.integers(1, 12), st.integers(1, 31))
def test_fiscal_year_is_the_end_year_or_next(end: dt.date, month: int, day: int) -> None:
    cal = FiscalCalendar.from_month_day(f"{month:02d}{day:02d}")
    assert cal.fiscal_year(end) in (end.year, end.year + 1)
    label = cal.fiscal_period(end - dt.timedelta(days=90), end)
    assert label in ("Q1", "Q2", "Q3", "Q4")


_LAYOUT_PATHS = st.sampled_from([
    "edgar/companyfacts/CIK0000000001.json",
    "edgar/submissions/CIK0000000001.json",
    "edgar/filings/1/0000000001-25-000001/a-20250101.htm",
    "edgar/filings/1/0000000001-25-000001/0000000001-25-000001.txt",
    "edgar/filings/1/0000000001-25-000002/b-20250331.txt",
    "edgar/stray.bin",
])
_CONTENTS = st.one_of(
    st.binary(max_size=300),
    filing_text.map(str.encode),
    st.just(b'{"cik": "1", "facts": {"us-gaap": {"Revenues": {"units": {"USD": [{"end": "2025-01-01", "val": 1, "accn": "x"}]}}}}}'),
    st.just(b"<SEC-DOCUMENT>\nCONFORMED SUBMISSION TYPE:\t10-K\n<DOCUMENT>\n<TYPE>10-K\n<TEXT>Item 1. Business\nWe purchase memory from SK Hynix Inc.</TEXT>\n</DOCUMENT>"),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_LAYOUT_PATHS, _CONTENTS, min_size=1, max_size=5))
def test_load_filings_never_crashes_on_garbage(tmp_path_factory, files: dict[str, bytes]) -> None:
    from edgar_support import known_records

    from chainshock.loaders.edgar import load_filings

    root = tmp_path_factory.mktemp("garbage")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    from chainshock.errors import FilingError

    try:
        out = load_filings(root, known_records(), embedder=None)
    except FilingError:
        # only a tree without any layout folder is refused as a whole
        assert not any(rel.split("/")[1] in ("companyfacts", "submissions", "filings") for rel in files)
        return
    read = {p for p, _ in out.skipped}
    # every file is either read or listed as skipped with a reason
    assert all(reason for _, reason in out.skipped)
    assert read <= {str(root / rel) for rel in files}
