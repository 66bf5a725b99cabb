"""Fuzz the parsers: any input gives a result or a ValueError, never a crash."""

from __future__ import annotations

import contextlib
import datetime as dt

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


@FAST
@given(json_values)
def test_companyfacts_never_crashes(doc: object) -> None:
    with contextlib.suppress(ValueError):
        parse_companyfacts(doc)


@FAST
@given(st.fixed_dictionaries({"cik": st.one_of(st.integers(0, 10**10), st.text(max_size=12)), "facts": json_values}))
def test_companyfacts_shapes(doc: dict) -> None:
    try:
        out = parse_companyfacts(doc)
    except ValueError:
        return
    assert all(o.cik.isdigit() and len(o.cik) == 10 for o in out.observations)


@FAST
@given(json_values)
def test_submissions_never_crashes(doc: object) -> None:
    with contextlib.suppress(ValueError):
        parse_submissions(doc)


@FAST
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_inline_xbrl_never_crashes(data: bytes) -> None:
    parse_inline_xbrl(b'<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><ix:nonFraction name="us-gaap:Revenues">' + data)


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
    extract_relations(text, sections, form, lambda n: n == "Samsung")
    customer_concentration(text, sections)
    statement_lines(text, 0, len(text))
    balance_sentences(text, 0, len(text))
    sgml_documents(text)


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
