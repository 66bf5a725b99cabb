"""Pure helpers of the view and reports: links, tier layout, SVG charts."""

from __future__ import annotations

import pytest

from chainshock.viz.charts import Bar, Series, bar_chart, line_chart, nice_ticks, pct, usd
from chainshock.viz.layout import COLUMNS, column_of, tier_layout
from chainshock.viz.links import edgar_url, safe_url, source_url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,<b>", "//evil.example/x", "/etc/passwd",
     'https://ok.example/"onmouseover=alert(1)', "https://a b.example", None, 42, "https:///nohost"],
)
def test_safe_url_refuses_anything_but_plain_http(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_https():
    assert safe_url("https://www.sec.gov/x?a=1&b=2") == "https://www.sec.gov/x?a=1&b=2"
    assert safe_url("http://example.org") == "http://example.org"


def test_edgar_url_uses_the_filer_cik_else_the_accession_prefix():
    assert edgar_url("0000950170-24-087843", cik="0000789019") == (
        "https://www.sec.gov/Archives/edgar/data/789019/000095017024087843/0000950170-24-087843-index.htm"
    )
    assert edgar_url("000095017024087843") is not None
    assert edgar_url("not-an-accession") is None


def test_source_url_prefers_a_safe_url_then_the_filing():
    assert source_url({"url": "https://x.example/a", "accession": "0000950170-24-087843"}) == "https://x.example/a"
    assert source_url({"url": "javascript:x", "accession": "0000950170-24-087843", "cik": None}).startswith(
        "https://www.sec.gov/Archives/edgar/data/950170/"
    )
    assert source_url({"url": None, "accession": None}) is None


def test_layout_reads_along_the_chain_with_industrials_and_utilities_beside_the_cloud():
    order = ["memory", "chips", "servers", "cloud", "software", "devices", "consumers"]
    items = [(t, t, 0) for t in [*order, "industrials", "utilities", "indexes"]]
    pos, headers = tier_layout(items)
    xs = [pos[t][0] for t in order]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert pos["industrials"][0] == pos["cloud"][0] == pos["utilities"][0]
    assert pos["cloud"][1] < pos["industrials"][1] < pos["utilities"][1]
    assert pos["indexes"][0] > pos["consumers"][0]
    assert [h["text"] for h in headers][:3] == ["Memory", "Chips", "Servers"]
    assert column_of("no-such-tier") == len(COLUMNS) - 1


def test_layout_never_puts_two_nodes_on_one_spot_and_keeps_a_screen_shape():
    items = [(f"n{i}", ["memory", "chips", "cloud", "industrials", "software"][i % 5], i % 3) for i in range(5000)]
    pos, _ = tier_layout(items)
    assert len(set(pos.values())) == 5000
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert 0.8 < ratio < 4.0


def test_number_formats():
    assert pct(0.05) == "+5.00%" and pct(-0.123) == "-12.3%"
    assert usd(1.5e9) == "$1.50 bn" and usd(-2e6) == "-$2.00 m"


def test_ticks_cover_the_range():
    for lo, hi in [(0, 1), (-0.3, 0.05), (0, 3.2e9), (5, 5)]:
        ticks = nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and len(ticks) >= 2


def test_charts_escape_text_and_draw_bands():
    svg = line_chart(
        [Series('<script>alert(1)</script>"', ["2026Q1", "2026Q2", "2026Q3"], [0.0, 0.1, 0.2], [0.0, 0.05, 0.1], [0.0, 0.2, 0.3])],
        title="a & b",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    assert svg.count("<polygon") == 1 and svg.count("<polyline") == 1
    bars = bar_chart([Bar("<img src=x onerror=alert(1)>", 3e9, 1e9, 4e9), Bar("B", -1e9)])
    assert "<img" not in bars and bars.count("<rect") == 2
    assert line_chart([]) == "" and bar_chart([]) == ""


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    import os

    from chainshock.viz.files import write_text_atomic

    mask = os.umask(0o022)
    try:
        out = write_text_atomic(tmp_path / "sub" / "r.html", "x")
    finally:
        os.umask(mask)
    assert out.read_text() == "x"
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["r.html"]
