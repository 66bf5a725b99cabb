"""The graph view in a real headless Chromium, opened from disk (file://).

The view is written by the real `chainshock view` command from a snapshot
on disk; the page is then driven like a user would: counts read from the
page's vis DataSets, hover and click for tooltips with source links,
legend filtering, a screenshot that is not blank, and hostile names and
quotes that must stay text.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from chromium_support import SKIP_MESSAGE, chromium_executable, launch, open_file, pixel_stats
from support import run_cli
from viz_fixtures import HOSTILE_NAME, HOSTILE_QUOTE, HOSTILE_TITLE, home_with, hostile_records

from chainshock.graph.snapshot import read_snapshot
from chainshock.viz.synthetic import synthetic_records

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_executable() is None, reason=SKIP_MESSAGE),
]

@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def hostile_view(tmp_path_factory) -> Path:
    home = home_with(hostile_records(), tmp_path_factory.mktemp("hostile-home"))
    out = home / "graph.html"
    run_cli("view", "--out", str(out), home=home, check=True)
    return out


@pytest.fixture(scope="module")
def synthetic_view(tmp_path_factory) -> tuple[Path, Path]:
    home = home_with(synthetic_records(240, seed=3), tmp_path_factory.mktemp("synthetic-home"))
    out = home / "graph.html"
    run_cli("view", "--out", str(out), home=home, check=True)
    return home, out


def _wait_drawn(page) -> None:
    page.wait_for_function("window.chainshock && window.chainshock.drawn === true", timeout=30_000)


def _hover(page, node_id: str) -> None:
    x, y = page.evaluate(
        """(id) => {
            const net = window.chainshock.network;
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById("network").getBoundingClientRect();
            return [dom.x + box.left, dom.y + box.top];
        }""",
        node_id,
    )
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)


def _tooltip(page):
    page.wait_for_function(
        "() => { const t = document.getElementById('tooltip'); return t && t.style.display === 'block'; }",
        timeout=10_000,
    )
    return page.locator("#tooltip")


def test_view_counts_match_the_snapshot_and_loads_nothing_from_the_network(browser, synthetic_view):
    home, out = synthetic_view
    snap = read_snapshot(home / "graph")
    page, log = open_file(browser, out)
    _wait_drawn(page)
    counts = page.evaluate("[window.chainshock.nodes.length, window.chainshock.edges.length]")
    assert counts == [len(snap.nodes), len(snap.edges)]
    drawn = page.evaluate("window.chainshock.network.body.nodeIndices.length")
    assert drawn == len(snap.nodes)
    assert log.console_errors == [] and log.page_errors == []
    assert all(url.startswith("file://") or url.startswith("data:") for url in log.requests), log.requests
    page.close()


def test_hover_shows_key_facts_with_a_source_link_and_click_keeps_them(browser, synthetic_view):
    home, out = synthetic_view
    snap = read_snapshot(home / "graph")
    # A company with capex facts from a filing: its tooltip links to EDGAR.
    company = snap.facts["company"].iloc[0]
    page, log = open_file(browser, out)
    _wait_drawn(page)
    time.sleep(0.2)
    _hover(page, company)
    tip = _tooltip(page)
    text = tip.inner_text()
    assert "capex FY" in text
    links = tip.locator("a").evaluate_all("as => as.map(a => a.href)")
    assert links and all(h.startswith("https://www.sec.gov/Archives/edgar/data/") for h in links)
    page.mouse.down()
    page.mouse.up()
    details = page.locator("#details")
    details.locator("a").first.wait_for(timeout=5_000)
    assert snap.nodes.set_index("id").loc[company, "name"] in details.inner_text()
    assert log.console_errors == [] and log.page_errors == []
    page.close()


def test_edge_tooltip_shows_the_evidence_quote(browser, synthetic_view):
    home, out = synthetic_view
    snap = read_snapshot(home / "graph")
    supplies = snap.edges[snap.edges["type"] == "SUPPLIES"].iloc[0]
    quote = snap.evidence.set_index("subject_id").loc[supplies["id"], "quote"]
    page, _ = open_file(browser, out)
    _wait_drawn(page)
    page.evaluate("(id) => window.chainshock.network.selectEdges([id])", supplies["id"])
    page.evaluate(
        "(id) => { document.getElementById('details').replaceChildren(window.chainshock.edgeTip(window.chainshock.info().edgeInfo[id])); }",
        supplies["id"],
    )
    text = page.locator("#details").inner_text()
    assert str(quote) in text
    assert page.locator("#details a").count() >= 1
    page.close()


def test_legend_filters_by_role(browser, synthetic_view):
    home, out = synthetic_view
    snap = read_snapshot(home / "graph")
    n_software = int(snap.nodes["roles"].map(lambda r: list(r) == ["software"]).sum())
    assert n_software > 0
    page, _ = open_file(browser, out)
    _wait_drawn(page)
    page.locator('#legend input[data-group="software"]').uncheck()
    visible = page.evaluate("window.chainshock.network.body.nodeIndices.length")
    assert visible == len(snap.nodes) - n_software
    page.locator("#show-all").click()
    assert page.evaluate("window.chainshock.network.body.nodeIndices.length") == len(snap.nodes)
    page.close()


def test_screenshot_is_not_blank(browser, synthetic_view, tmp_path):
    _, out = synthetic_view
    page, _ = open_file(browser, out)
    _wait_drawn(page)
    time.sleep(0.3)
    png = page.locator("#network").screenshot(path=str(tmp_path / "view.png"))
    stats = pixel_stats(browser, png)
    # A blank canvas has one colour and zero variance; the drawn graph has
    # coloured nodes, edges and labels on white.
    assert stats["colours"] > 50
    assert stats["variance"] > 20
    page.close()


def test_focus_and_hops_limit_the_view(browser, tmp_path):
    home = home_with(hostile_records(), tmp_path)
    out = tmp_path / "focus.html"
    run_cli("view", "--focus", "SK hynix", "--hops", "1", "--out", str(out), home=home, check=True)
    page, _ = open_file(browser, out)
    _wait_drawn(page)
    ids = sorted(page.evaluate("window.chainshock.nodes.getIds()"))
    assert ids == ["company:nvidia", "company:sk-hynix", "product:hbm"]
    page.close()


def test_hostile_names_quotes_and_urls_stay_text(browser, hostile_view):
    html = hostile_view.read_text()
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    page, log = open_file(browser, hostile_view)
    _wait_drawn(page)
    time.sleep(0.3)
    _hover(page, "company:evil")
    tip = _tooltip(page)
    assert HOSTILE_NAME in tip.inner_text()
    assert tip.locator("script, img, svg, iframe").count() == 0
    # The evil edge, shown in the details panel as a click would.
    page.evaluate(
        """() => {
            const e = window.chainshock.edges.get().find(e => e.from === "company:evil" && e.to === "company:nvidia");
            document.getElementById("details").replaceChildren(window.chainshock.edgeTip(window.chainshock.info().edgeInfo[e.id]));
        }"""
    )
    details = page.locator("#details")
    assert HOSTILE_QUOTE in details.inner_text()
    assert HOSTILE_TITLE in details.inner_text()
    assert details.locator("a").count() == 0  # javascript: URL is no link
    _hover(page, "contract:evil-lta")
    assert "<iframe" in _tooltip(page).inner_text()
    assert page.evaluate("document.querySelectorAll('script, img, iframe, svg').length") == 4  # vis, 2 data blocks, app
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert log.dialogs == []
    assert log.page_errors == [] and log.console_errors == []
    page.close()


def test_search_finds_a_node_by_ticker_and_shows_its_details(browser, synthetic_view):
    home, out = synthetic_view
    snap = read_snapshot(home / "graph")
    row = snap.nodes[snap.nodes["ticker"].notna()].iloc[5]
    page, log = open_file(browser, out)
    _wait_drawn(page)
    page.fill("#search", str(row["ticker"]).lower())
    page.press("#search", "Enter")
    assert page.evaluate("window.chainshock.network.getSelectedNodes()") == [row["id"]]
    assert row["name"] in page.locator("#details").inner_text()
    page.fill("#search", "no such thing at all")
    page.press("#search", "Enter")
    assert page.locator("#search-status").inner_text() == "No node matches."
    assert log.page_errors == [] and log.console_errors == []
    page.close()
