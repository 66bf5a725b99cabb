"""build_report and the three renderings on a real run over a small graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from viz_fixtures import HOSTILE_NAME, hostile_records

from chainshock.graph.snapshot import Snapshot, records_to_tables
from chainshock.queries.scenario import scenario_from_shock
from chainshock.queries.shock import prepare, run_shock
from chainshock.viz.report import build_report, md_text, render, write_report
from chainshock.viz.report_model import Report, schema_text

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
    assert report.summary[0].startswith(f"Shock: {HOSTILE_NAME} +25.0%")
    assert any(line.startswith("Who pays:") and "NVIDIA" in line for line in report.summary)
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
    assert json.loads(text)["schema_version"] == 1


def test_markdown_escapes_names_and_quotes(hostile):
    snap, result = hostile
    md = render(build_report(result, snap), "md")
    assert "<script" not in md and "<img" not in md
    assert md_text(HOSTILE_NAME) in md
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
