"""`chainshock report` end to end: the same numbers as `chainshock shock --json`,
in JSON, Markdown and a self-contained HTML file checked in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from chromium_support import SKIP_MESSAGE, chromium_executable, launch, open_file
from markdown_it import MarkdownIt
from support import MINI, REPO, run_cli
from viz_fixtures import HOSTILE_NAME, HOSTILE_QUOTE, home_with, hostile_records

from chainshock.viz.report_model import Report

SCENARIO = """\
name: hbm-test
description: HBM +30% on the small test graph
start: 2026Q1
horizon_quarters: 6
shocks:
  - {node: product:hbm, pct: 30}
draws: 200
seed: 7
top_k: 3
"""
HOSTILE_SCENARIO = """\
name: evil-test
start: 2026Q1
horizon_quarters: 4
shocks:
  - {node: company:evil, pct: 25}
draws: 50
seed: 1
"""
needs_chromium = pytest.mark.skipif(chromium_executable() is None, reason=SKIP_MESSAGE)


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("report-home")
    run_cli("build", "--data", str(MINI), home=home, check=True)
    scenario = home / "hbm.yaml"
    scenario.write_text(SCENARIO)
    return home, scenario


@pytest.fixture(scope="module")
def shock_json(mini) -> dict:
    home, scenario = mini
    return json.loads(run_cli("shock", str(scenario), "--json", home=home, check=True).stdout)


def test_json_report_carries_the_shock_result_unchanged(mini, shock_json, tmp_path):
    home, scenario = mini
    out = tmp_path / "report.json"
    proc = run_cli("report", str(scenario), "--out", str(out), home=home, check=True)
    assert proc.stdout.strip() == str(out.resolve())
    doc = json.loads(out.read_text())
    report = Report.model_validate(doc)  # validates against the published model
    assert doc["result"] == shock_json
    assert report.summary[0].startswith("Shock: HBM +30.0% from 2026Q1")
    # Every margin row traces to a source; estimates are marked as such.
    refs = {s.ref: s for s in report.sources}
    assert report.margins
    for row in report.margins:
        assert row.cost_base_source
        assert row.estimate == refs[next(s.ref for s in report.sources if f"cost base of {row.name}" in s.used_for)].estimate
    assert any(s.url and s.url.startswith("https://www.sec.gov/Archives/edgar/data/") for s in report.sources)


def test_markdown_report_has_the_same_numbers(mini, shock_json, tmp_path):
    home, scenario = mini
    out = tmp_path / "report.md"
    run_cli("report", str(scenario), "--out", str(out), home=home, check=True)
    text = out.read_text()
    assert text.startswith("# Impact report: hbm-test")
    nvidia = next(i for i in shock_json["impacts"] if i["node"] == "company:nvidia")
    row = next(line for line in text.splitlines() if line.startswith("| chips | NVIDIA |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == f"{nvidia['price_change'] * 100:+.2f}%"
    assert cells[3] == f"{nvidia['p5'] * 100:+.2f}%"
    assert "## Sources" in text and "](<https://www.sec.gov/" in text


def test_bad_output_extension_is_one_line_and_writes_nothing(mini, tmp_path):
    home, scenario = mini
    out = tmp_path / "report.pdf"
    proc = run_cli("report", str(scenario), "--out", str(out), home=home)
    assert proc.returncode != 0
    assert "use a file ending in" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_missing_scenario_is_one_line(mini, tmp_path):
    home, _ = mini
    proc = run_cli("report", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "r.html"), home=home)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.browser
@needs_chromium
def test_html_report_numbers_equal_shock_json_in_the_browser(mini, shock_json, tmp_path):
    home, scenario = mini
    out = tmp_path / "report.html"
    run_cli("report", str(scenario), "--out", str(out), home=home, check=True)
    html = out.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", html.split('id="sources"')[0])
    with launch() as browser:
        page, log = open_file(browser, out)
        cells = page.eval_on_selector_all(
            "#tier-table tr[data-node] td[data-field]",
            "tds => tds.map(td => [td.parentElement.dataset.node, td.dataset.field, td.dataset.value])",
        )
        shown = {(n, f): float(v) for n, f, v in cells if v}
        expected = {
            (i["node"], f): i[f] for i in shock_json["impacts"] for f in ("price_change", "p5", "p50", "p95") if i[f] is not None
        }
        assert shown == expected
        margins = page.eval_on_selector_all(
            "#margin-table tr[data-node] td[data-field=margin_hit_usd]",
            "tds => tds.map(td => [td.parentElement.dataset.node, td.dataset.value])",
        )
        assert margins, "the margin table shows no rows"
        for node, value in margins:
            assert float(value) == next(i["margin_hit_usd"] for i in shock_json["impacts"] if i["node"] == node)
        assert page.locator("svg polyline").count() >= 1  # the quarterly chart is inline SVG
        assert page.locator("#source-list a[href^='https://www.sec.gov/']").count() >= 1
        assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []
        assert all(u.startswith("file://") for u in log.requests)
        page.close()


@pytest.mark.browser
@needs_chromium
def test_hostile_names_stay_text_in_every_report_format(tmp_path):
    home = home_with(hostile_records(), tmp_path / "home")
    scenario = tmp_path / "evil.yaml"
    scenario.write_text(HOSTILE_SCENARIO)
    for ext in ("html", "md", "json"):
        run_cli("report", str(scenario), "--out", str(tmp_path / f"r.{ext}"), home=home, check=True)
    md = (tmp_path / "r.md").read_text()
    rendered = MarkdownIt("commonmark").enable("table").render(md)  # HTML passes through, as on GitHub
    assert "<script" not in rendered and "<img" not in rendered and "&lt;script&gt;" in rendered
    assert "&lt;" not in md  # escaped by Markdown's backslashes, not by entities
    assert "javascript:" not in md
    doc = json.loads((tmp_path / "r.json").read_text())
    assert any(i["name"] == HOSTILE_NAME for i in doc["result"]["impacts"])
    html = (tmp_path / "r.html").read_text()
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    with launch() as browser:
        page, log = open_file(browser, tmp_path / "r.html")
        text = page.locator("body").inner_text()
        assert HOSTILE_NAME in text
        assert HOSTILE_QUOTE in text  # the evidence quote, shown as text in Sources
        assert page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("a[href^='javascript:']").count() == 0
        assert log.dialogs == [] and log.page_errors == []
        page.close()


def test_view_with_a_scenario_sizes_nodes_by_the_same_run(mini, shock_json, tmp_path):
    home, scenario = mini
    out = tmp_path / "graph.html"
    run_cli("view", "--scenario", str(scenario), "--out", str(out), home=home, check=True)
    html = out.read_text()
    data, info = (
        json.loads(re.search(rf'<script type="application/json" id="chainshock-{name}">(.*?)</script>', html, re.S).group(1))
        for name in ("data", "info")
    )
    impacts = {i["node"]: i for i in shock_json["impacts"]}
    indexes = {x["index"] for x in shock_json["indexes"]}
    for node_id, node_info in info["nodeInfo"].items():
        if node_id in impacts:
            assert node_info["impact"]["price_change"] == impacts[node_id]["price_change"]
            oi = impacts[node_id].get("operating_income_change_usd")
            if oi:
                assert node_info["impact"]["operating_income_usd"] == pytest.approx(oi, rel=1e-9)
        elif node_id in indexes:
            assert {x["weighting"] for x in node_info["impact"]["index"]} <= {"cap", "equal"}
        else:
            assert "impact" not in node_info
    # Companies are sized by |Δ operating income|: the largest draws largest.
    size = {n["id"]: n["size"] for n in data["nodes"]}
    sized = {n: abs(i["operating_income_change_usd"]) for n, i in impacts.items()
             if i.get("operating_income_change_usd") and n in size and i["label"] == "Company"}
    if sized:
        top = max(sized, key=sized.get)
        assert size[top] == max(size[n] for n in sized)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "no such company"], "no company matches"),
        (["--role", "wizard"], "unknown role"),
        (["--hops", "-1", "--focus", "NVDA"], "--hops"),
    ],
)
def test_view_user_errors_are_one_line_and_write_nothing(mini, tmp_path, args, message):
    home, _ = mini
    out = tmp_path / "graph.html"
    proc = run_cli("view", *args, "--out", str(out), home=home)
    assert proc.returncode != 0 and message in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_view_refuses_a_non_html_output(mini, tmp_path):
    home, _ = mini
    proc = run_cli("view", "--out", str(tmp_path / "graph.png"), home=home)
    assert proc.returncode != 0 and "use a file ending in .html" in proc.stderr


@pytest.fixture(scope="module")
def bundled_reports(tmp_path_factory) -> tuple[Path, dict]:
    """memory-squeeze on the bundled data: the run, and its report in the three formats."""
    home = tmp_path_factory.mktemp("bundled-report")
    run_cli("build", home=home, check=True)
    scenario = REPO / "scenarios" / "memory-squeeze.yaml"
    for ext in ("html", "md", "json"):
        run_cli("report", str(scenario), "--out", str(home / f"report.{ext}"), home=home, check=True)
    return home, json.loads((home / "report.json").read_text())


def test_bundled_report_opens_with_winners_and_payers_from_the_ledger(bundled_reports):
    home, doc = bundled_reports
    report = Report.model_validate(doc)
    result = doc["result"]
    assert 1 <= len(report.summary) <= 6
    assert report.summary[1].startswith("Who gains") and report.summary[2].startswith("Who pays")
    # The amounts are the ledger's sums.
    sums: dict[str, float] = {}
    for row in result["ledger"]:
        sums[row["node"]] = sums.get(row["node"], 0.0) + row["operating_income_change_usd"]
    for row in report.winners + report.payers:
        assert row.operating_income_change_usd == pytest.approx(sums[row.node], rel=1e-9)
    assert [w.node for w in report.winners[:3]] == sorted(
        (n for n in sums if sums[n] > 0), key=lambda n: -sums[n])[:3]
    assert "company:nvidia" in {p.node for p in report.payers}
    assert "NVIDIA" in report.summary[2]
    # Contracts: a deal that ended before the horizon does not "run past" it.
    horizon_end = "2027-12-31"
    ids = {c["contract"]: c for c in result["contracts"]}
    in_force = {k for k, c in ids.items() if c["shielded_quarters"]}
    run_past = {k for k in in_force if ids[k]["end"] is None or ids[k]["end"] > horizon_end}
    assert report.contract_counts is not None
    assert report.contract_counts.run_past == len(run_past)
    assert report.contract_counts.outside_horizon == len(ids) - len(in_force)
    assert any(c["end"] and c["end"] < "2026-01-01" for c in ids.values())  # the case the count must exclude
    md = (home / "report.md").read_text()
    assert "S&P 500" in md and "&amp;" not in md and "&lt;" not in md
    assert md.index("## Who gains and who pays") < md.index("## How the shock travels") < md.index("## Price change by tier")


@pytest.mark.browser
@needs_chromium
def test_a4_print_keeps_every_table_inside_the_page(bundled_reports, tmp_path):
    home, _ = bundled_reports
    with launch() as browser:
        page, log = open_file(browser, home / "report.html", width=1200, height=900)
        page.emulate_media(media="print")
        # A4 less the page margins (210 mm - 2 x 12 mm) at 96 dpi.
        page.set_viewport_size({"width": int(186 / 25.4 * 96), "height": 1000})
        overflow = page.evaluate(
            """() => Array.from(document.querySelectorAll("table, svg")).map(t => {
                const r = t.getBoundingClientRect();
                return [t.id || t.tagName, Math.round(r.right), t.scrollWidth - t.clientWidth];
            }).filter(([id, right, extra]) => right > document.documentElement.clientWidth + 1 || extra > 1)"""
        )
        assert overflow == []
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
        assert log.page_errors == []
        page.close()
