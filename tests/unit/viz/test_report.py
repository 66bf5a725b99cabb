"""build_report and the three renderings on a real run over a small graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from viz_fixtures import HOSTILE_NAME, hostile_records

from chainshock.graph.snapshot import Snapshot, records_to_tables
from chainshock.queries.scenario import scenario_from_shock
from chainshock.queries.shock import prepare, run_shock
from chainshock.viz.report import build_report, contract_counts, md_text, render, write_report
from chainshock.viz.report_model import Report, schema_text
from chainshock.viz.story import short_name

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def hostile() -> tuple[Snapshot, object]:
    snap = Snapshot(path=None, manifest={}, **records_to_tables(hostile_records()))
    scenario = prepare(snap, scenario_from_shock("company:evil", 25, draws=50, seed=1))
    return snap, run_shock(snap, scenario, start="2026Q1")


def test_published_schema_is_current():
    published = (REPO / "docs" / "report.schema.json").read_text()
    assert published == schema_text(), "regenerate: python -m chainshock.viz.report_model > docs/report.schema.json"


def test_report_summarises_who_pays_and_cites_sources(hostile):
    snap, result = hostile
    report = build_report(result, snap)
    assert report.summary[0].startswith(f"Shock: {short_name(HOSTILE_NAME, 40)} +25.0%")
    assert len(report.summary) <= 6
    assert any(line.startswith("Who pays") and "NVIDIA" in line for line in report.summary)
    assert [t.tier for t in report.tiers] == ["memory", "chips"]
    assert report.path_sources and all(report.path_sources)
    cited = {s.id for s in report.sources}
    assert "src:evil" in cited
    assert next(s for s in report.sources if s.id == "src:evil").url is None
    assert report.result == result


def test_json_round_trips_through_the_published_model(hostile):
    snap, result = hostile
    text = render(build_report(result, snap), "json")
    assert Report.model_validate_json(text).result == result
    assert json.loads(text)["schema_version"] == 2


def test_markdown_escapes_names_and_quotes(hostile):
    snap, result = hostile
    md = render(build_report(result, snap), "md")
    # Rendered as CommonMark (HTML allowed, as GitHub allows some), no tag
    # from a name or quote survives: they show as text.
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned" in html
    assert md_text(HOSTILE_NAME) in md
    assert "&lt;" not in md and "&amp;" not in md  # no entities in the file itself
    # A name with "|" must not add table cells: every row of a table has as
    # many unescaped pipes as its header.
    cells = None
    for line in md.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.findall(r"(?<!\\)\|", line))
        cells = cells or n
        assert n == cells, line


def test_html_escapes_and_inlines_svg(hostile):
    snap, result = hostile
    html = render(build_report(result, snap), "html")
    assert "<script" not in html and "&lt;script&gt;window.__pwned" in html
    assert "<svg" in html and "javascript:" not in html


def test_write_report_is_atomic(tmp_path, hostile):
    snap, result = hostile
    out = write_report(build_report(result, snap), tmp_path / "r.md", "md")
    assert out.read_text().startswith("# Impact report")
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


def test_markdown_keeps_ampersands_as_written():
    assert md_text("S&P 500 Equal Weight Index") == "S&P 500 Equal Weight Index"
    assert md_text("AT&T &amp; co") == "AT&T \\&amp; co"  # only an entity-like & is escaped
    rendered = MarkdownIt("commonmark").render(md_text("AT&T &amp; <b>x</b>"))
    assert "AT&amp;T &amp;amp; &lt;b&gt;x&lt;/b&gt;" in rendered


def test_contract_counts_follow_the_dates(hostile):
    from chainshock.queries.result import ContractShield

    _, result = hostile
    base = {"kind": "lta", "buyer": "company:nvidia", "product": "product:hbm", "price_terms": "fixed", "fixed_share": 0.5}
    rows = [
        # Ended before the horizon: shields nothing, is not "running past" it.
        ContractShield(contract="c:old", name="old", end="2025-12-31", shielded_quarters=[], **base),
        ContractShield(contract="c:mid", name="mid", end="2026-06-30", shielded_quarters=["2026Q1", "2026Q2"], **base),
        # Two rows (two buyers) of one contract count once.
        ContractShield(contract="c:long", name="long", end="2030-12-31", shielded_quarters=result.scenario.quarters, **base),
        ContractShield(contract="c:long", name="long", end="2030-12-31", shielded_quarters=result.scenario.quarters, **base),
        ContractShield(contract="c:open", name="open", end=None, shielded_quarters=result.scenario.quarters, **base),
        ContractShield(contract="c:later", name="later", start="2031-01-01", shielded_quarters=[], **base),
    ]
    counts = contract_counts(result.model_copy(update={"contracts": rows}))
    assert counts is not None
    assert (counts.in_force, counts.end_within, counts.run_past, counts.outside_horizon) == (3, 1, 2, 2)
    assert counts.first_end == "2026-06-30"
