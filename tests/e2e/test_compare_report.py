"""`compare A B --report` and `report A --compare B`: winners and payers side by side in USD, from both ledgers.

Run on the bundled data as a user would (`memory-squeeze` against
`contract-cliff`, base values): every amount in the report must equal the
sum of that run's ledger as `chainshock shock --json` prints it, in JSON,
Markdown and HTML alike.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import run_cli

from chainshock.viz.report import signed_usd
from chainshock.viz.report_model import ComparisonSection, Report

A, B = "memory-squeeze", "contract-cliff"


def _sums(doc: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for row in doc["ledger"]:
        out[row["node"]] = out.get(row["node"], 0.0) + row["operating_income_change_usd"]
    return out


@pytest.fixture(scope="module")
def runs(built_home) -> tuple[dict[str, float], dict[str, float]]:
    a, b = (
        json.loads(run_cli("shock", s, "--draws", "0", "--json", home=built_home, check=True).stdout) for s in (A, B)
    )
    return _sums(a), _sums(b)


@pytest.fixture(scope="module")
def written(built_home, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("compare-report")
    paths = {ext: d / f"cmp.{ext}" for ext in ("json", "md", "html")}
    for path in paths.values():
        proc = run_cli("compare", A, B, "--draws", "0", "--report", str(path), home=built_home, check=True)
        assert f"report: {path}" in " ".join(proc.stderr.split())
        assert "prices at" in proc.stdout  # the table is still printed
    return paths


def _check_amounts(section: ComparisonSection, sums_a: dict[str, float], sums_b: dict[str, float]) -> None:
    for row in section.winners + section.payers:
        assert row.a_usd == pytest.approx(sums_a[row.node], rel=1e-9) if row.node in sums_a else row.a_usd is None
        assert row.b_usd == pytest.approx(sums_b[row.node], rel=1e-9) if row.node in sums_b else row.b_usd is None
        if row.a_usd is not None and row.b_usd is not None:
            assert row.delta_usd == pytest.approx(row.b_usd - row.a_usd)


def test_compare_report_puts_both_ledgers_side_by_side(written, runs):
    sums_a, sums_b = runs
    section = ComparisonSection.model_validate_json(written["json"].read_text())
    assert (section.a, section.b) == (A, B)
    assert 1 <= len(section.summary) <= 6
    _check_amounts(section, sums_a, sums_b)
    # The top three winners and payers of each run are all there, largest first.
    for sums in (sums_a, sums_b):
        top_w = sorted((n for n in sums if sums[n] > 0), key=lambda n: -sums[n])[:3]
        top_p = sorted((n for n in sums if sums[n] < 0), key=lambda n: sums[n])[:3]
        assert set(top_w) <= {r.node for r in section.winners}
        assert set(top_p) <= {r.node for r in section.payers}
    assert section.winners[0].node in {"company:samsung-electronics", "company:sk-hynix"}
    # The contracts make contract-cliff differ: at least one payer pays less there.
    assert any((r.delta_usd or 0.0) > 1e6 for r in section.payers)
    assert section.prices and section.indexes


def test_markdown_and_html_show_the_same_numbers(written):
    section = ComparisonSection.model_validate_json(written["json"].read_text())
    md = written["md"].read_text()
    assert "&amp;" not in md and "&lt;" not in md and "<" not in md.replace("<https", "")
    assert md.index("## Who gains and who pays, side by side") < md.index("## Prices that differ")
    for row in section.winners[:3] + section.payers[:3]:
        cells = [signed_usd(row.a_usd), signed_usd(row.b_usd)]  # type: ignore[arg-type]
        assert re.search(r"\| " + re.escape(cells[0]) + r" \| " + re.escape(cells[1]) + r" \|", md), row.name

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.node: str | None = None
            self.values: dict[tuple[str, str], float] = {}

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "tr" and "data-node" in a:
                self.node = a["data-node"]
            if tag == "td" and a.get("data-field") and a.get("data-value"):
                self.values[(self.node or "", a["data-field"])] = float(a["data-value"])

    html = written["html"].read_text()
    assert "<script" not in html
    p = Cells()
    p.feed(html)
    for row in section.winners + section.payers:
        if row.a_usd is not None:
            assert p.values[(row.node, "a_usd")] == row.a_usd
        if row.b_usd is not None:
            assert p.values[(row.node, "b_usd")] == row.b_usd


def test_report_compare_adds_the_same_section_to_the_report(built_home, written, runs, tmp_path):
    out = tmp_path / "report.json"
    run_cli("report", A, "--compare", B, "--draws", "0", "--out", str(out), home=built_home, check=True)
    report = Report.model_validate_json(out.read_text())
    assert report.comparison is not None
    standalone = ComparisonSection.model_validate_json(written["json"].read_text())
    assert report.comparison.winners == standalone.winners and report.comparison.payers == standalone.payers
    _check_amounts(report.comparison, *runs)
    md = tmp_path / "report.md"
    run_cli("report", A, "--compare", B, "--draws", "0", "--out", str(md), home=built_home, check=True)
    text = md.read_text()
    assert text.index("## Who gains and who pays") < text.index(f"## Comparison: {A} and {B}") < text.index(
        "## How the shock travels"
    )
    assert "### Who gains and who pays, side by side" in text


def test_compare_report_user_errors_are_one_line(built_home, tmp_path):
    bad = tmp_path / "cmp.txt"
    proc = run_cli("compare", A, B, "--draws", "0", "--report", str(bad), home=built_home)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [f"error: --report {bad}: use a file ending in .html, .htm, .md, .markdown, .json"]
    assert not bad.exists()
    proc = run_cli("report", A, "--compare", "memory-sqeeze", "--out", str(tmp_path / "r.md"), home=built_home)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "memory-squeeze" in proc.stderr
    assert not (tmp_path / "r.md").exists()
