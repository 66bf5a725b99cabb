"""The scenario view of the bundled data in headless Chromium, as a user meets it.

`chainshock view --scenario scenarios/memory-squeeze.yaml` on the bundled
graph: labels measured where vis-network drew them must not overlap (in
every quarter of the slider), the tooltip must belong to the edge under the
pointer (the mouse really moves there), the slider must replay the quarters
the result holds, a click must light a node's paths and dim the rest, and a
focus view must show every label whole.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from chromium_support import SKIP_MESSAGE, chromium_executable, launch, open_file, pixel_stats
from support import REPO, run_cli

from chainshock.viz.story import money

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_executable() is None, reason=SKIP_MESSAGE),
]
SCENARIO = REPO / "scenarios" / "memory-squeeze.yaml"


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("story-home")
    run_cli("build", home=home, check=True)
    return home


@pytest.fixture(scope="module")
def story(bundled) -> Path:
    out = bundled / "story.html"
    run_cli("view", "--scenario", str(SCENARIO), "--out", str(out), home=bundled, check=True)
    return out


@pytest.fixture(scope="module")
def result(bundled) -> dict:
    return json.loads(run_cli("shock", str(SCENARIO), "--json", home=bundled, check=True).stdout)


def _open(browser, path: Path, **kw):
    page, log = open_file(browser, path, **kw)
    page.wait_for_function("window.chainshock && window.chainshock.drawn === true", timeout=30_000)
    time.sleep(0.3)
    return page, log


# Label boxes and node bodies as vis-network drew them, in canvas coordinates.
_BOXES = """() => {
    const net = window.chainshock.network;
    return net.body.nodeIndices.map(id => {
        const n = net.body.nodes[id];
        const s = n.labelModule.size;
        return {id: id, label: n.options.label, x: n.x, y: n.y, r: n.options.size,
                box: [s.left, s.top, s.left + s.width, s.top + s.height]};
    });
}"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str, str]]:
    bad = []
    for i, a in enumerate(boxes):
        ax0, ay0, ax1, ay1 = a["box"]
        for b in boxes:
            if b is a:
                continue
            # Another node's body inside this label.
            cx, cy, r = b["x"], b["y"], b["r"]
            if ax0 < cx + r and cx - r < ax1 and ay0 < cy + r and cy - r < ay1:
                bad.append(("label/node", a["id"], b["id"]))
        for b in boxes[i + 1 :]:
            bx0, by0, bx1, by1 = b["box"]
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                bad.append(("label/label", a["id"], b["id"]))
    return bad


def test_no_label_overlaps_another_label_or_node_in_any_quarter(browser, story, result):
    page, log = _open(browser, story)
    quarters = result["scenario"]["quarters"]
    for i in range(len(quarters)):
        page.locator("#quarter").fill(str(i))
        page.wait_for_function(f"window.chainshock.quarter === {i}")
        page.evaluate("window.chainshock.network.redraw()")
        boxes = page.evaluate(_BOXES)
        assert len(boxes) > 20 and all(b["box"][2] > b["box"][0] for b in boxes)
        assert _overlaps(boxes) == [], quarters[i]
    # The same with contracts, countries and indexes switched on (one click each).
    for group in ("contract", "index", "country"):
        page.locator(f'#legend input[data-group="{group}"]').check()
    page.evaluate("window.chainshock.network.redraw()")
    boxes = page.evaluate(_BOXES)
    assert _overlaps(boxes) == []
    assert log.page_errors == [] and log.console_errors == []
    page.close()


def test_default_story_shows_movers_winners_and_payers(browser, story, result, tmp_path):
    page, _ = _open(browser, story)
    shown = set(page.evaluate("window.chainshock.network.body.nodeIndices"))
    # Contracts and countries are off by default; the winners and payers are on.
    assert not any(n.startswith(("contract:", "country:")) for n in shown)
    oi = {i["node"]: i["operating_income_change_usd"] for i in result["impacts"] if i.get("operating_income_change_usd")}
    winners = sorted((n for n in oi if oi[n] > 0), key=lambda n: -oi[n])[:3]
    payers = sorted((n for n in oi if oi[n] < 0), key=lambda n: oi[n])[:3]
    assert set(winners) | set(payers) <= shown
    fills = page.evaluate(
        "(ids) => ids.map(id => window.chainshock.nodes.get(id).color.background)", winners + payers
    )
    rgb = [tuple(int(f[i : i + 2], 16) for i in (1, 3, 5)) for f in fills]
    assert all(g > r for r, g, _ in rgb[:3]), fills  # winners green
    assert all(r > g for r, g, _ in rgb[3:]), fills  # payers red
    sizes = page.evaluate("(ids) => ids.map(id => window.chainshock.nodes.get(id).size)", winners + payers)
    assert sizes[0] == max(sizes)  # the largest gain draws largest
    # One click brings the contracts back.
    page.locator('#legend input[data-group="contract"]').check()
    assert any(n.startswith("contract:") for n in page.evaluate("window.chainshock.network.body.nodeIndices"))
    png = page.screenshot(path=str(tmp_path / "story.png"))
    stats = pixel_stats(browser, png)
    assert stats["colours"] > 50
    page.close()


def _edge_point(page, edge_id: str) -> tuple[float, float]:
    """A point on the edge, in page pixels, as far as possible from every other edge and node."""
    return tuple(
        page.evaluate(
            """(id) => {
            const net = window.chainshock.network, body = net.body;
            const e = body.edges[id];
            const box = document.getElementById("network").getBoundingClientRect();
            const others = body.edgeIndices.filter(o => o !== id).map(o => body.edges[o]);
            let best = null, bestGap = -1;
            for (let t = 0.1; t <= 0.9; t += 0.02) {
                const p = e.edgeType.getPoint(t);
                let gap = Infinity;
                for (const o of others) {
                    gap = Math.min(gap, o.edgeType.getDistanceToEdge(o.from.x, o.from.y, o.to.x, o.to.y, p.x, p.y));
                }
                for (const nid of body.nodeIndices) {
                    const n = body.nodes[nid];
                    gap = Math.min(gap, Math.hypot(n.x - p.x, n.y - p.y) - n.options.size);
                }
                if (gap > bestGap) { bestGap = gap; best = p; }
            }
            const dom = net.canvasToDOM(best);
            return [dom.x + box.left, dom.y + box.top];
        }""",
            edge_id,
        )
    )


def test_tooltip_names_the_edge_under_the_pointer(browser, story):
    page, log = _open(browser, story, width=1800, height=1100)
    edges = page.evaluate("window.chainshock.edges.get().map(e => [e.id, e.from, e.to])")
    hynix = next(e for e in edges if e[1] == "company:sk-hynix" and e[2] == "company:nvidia")
    samsung = next(e for e in edges if e[1] == "company:samsung-electronics" and e[2] == "company:nvidia")
    for edge_id, names in ((hynix[0], ("SK hynix", "NVIDIA")), (samsung[0], ("Samsung Electronics", "NVIDIA")),
                           (hynix[0], ("SK hynix", "NVIDIA"))):
        page.mouse.move(5, 5)
        x, y = _edge_point(page, edge_id)
        page.mouse.move(x - 20, y - 20)
        page.mouse.move(x, y, steps=5)
        page.wait_for_function(
            "(id) => document.getElementById('tooltip').dataset.id === id", arg=edge_id, timeout=10_000
        )
        header = page.locator("#tooltip h3").inner_text()
        assert all(n in header for n in names), header
        assert page.locator("#tooltip").is_visible()
    page.mouse.move(5, 5)
    assert log.page_errors == []
    page.close()


def test_quarter_slider_replays_the_ledger(browser, story, result):
    page, _ = _open(browser, story)
    quarters = result["scenario"]["quarters"]
    ledger = [r for r in result["ledger"] if r["node"] == "company:sk-hynix"]
    by_q = {r["quarter"]: r["operating_income_change_usd"] for r in ledger}
    cumulative = []
    run = 0.0
    for q in quarters:
        run += by_q.get(q, 0.0)
        cumulative.append(run)
    first = page.evaluate("window.chainshock.nodes.get('company:sk-hynix')")
    page.locator("#quarter").fill("0")
    page.wait_for_function("window.chainshock.quarter === 0")
    q0 = page.evaluate("window.chainshock.nodes.get('company:sk-hynix')")
    assert page.locator("#quarter-label").inner_text() == quarters[0]
    # Starts on the last quarter (the whole horizon), replays from the first.
    assert money(cumulative[-1]) in first["label"]
    assert money(cumulative[0]) in q0["label"] and cumulative[0] != cumulative[-1]
    assert q0["size"] < first["size"]
    page.locator("#play").click()
    page.wait_for_function(f"window.chainshock.quarter === {len(quarters) - 1}", timeout=20_000)
    assert page.evaluate("window.chainshock.nodes.get('company:sk-hynix').label") == first["label"]
    page.close()


def test_click_lights_the_paths_and_dims_the_rest(browser, story):
    page, log = _open(browser, story)
    x, y = page.evaluate(
        """() => { const net = window.chainshock.network;
            const d = net.canvasToDOM(net.getPositions(["company:nvidia"])["company:nvidia"]);
            const b = document.getElementById("network").getBoundingClientRect();
            return [d.x + b.left, d.y + b.top]; }"""
    )
    page.mouse.click(x, y)
    lit = page.evaluate("window.chainshock.lit")
    assert lit and lit["node"] == "company:nvidia" and lit["paths"]
    lit_nodes = set(lit["nodes"])
    assert {"product:hbm", "company:sk-hynix"} <= lit_nodes  # HBM -> NVIDIA via SK hynix
    opacity = page.evaluate("Object.fromEntries(window.chainshock.nodes.get().map(n => [n.id, n.opacity]))")
    assert all(opacity[n] == 1 for n in lit_nodes)
    dimmed = [n for n in opacity if n not in lit_nodes]
    assert dimmed and all(opacity[n] < 0.3 for n in dimmed)
    assert "Paths that carry the shock" in page.locator("#details").inner_text()
    # Empty space undoes it.
    page.mouse.click(*page.evaluate(
        "(() => { const b = document.getElementById('network').getBoundingClientRect(); return [b.left + 8, b.bottom - 8]; })()"
    ))
    assert page.evaluate("window.chainshock.nodes.get().every(n => n.opacity === 1)")
    assert log.page_errors == []
    page.close()


def test_legend_explains_every_mark(browser, story):
    page, _ = _open(browser, story)
    text = page.locator("aside").inner_text()
    for phrase in ("Δ operating income", "Thick black border", "Dashed purple border", "Product: size",
                   "Contracts and PPAs", "Countries", "SUPPLIES", "Edge width"):
        assert phrase in text
    # Every border drawn is one the legend names.
    borders = set(page.evaluate(
        "window.chainshock.nodes.get().filter(n => n.borderWidth > 1).map(n => n.color.border)"
    ))
    assert borders <= {"#111111", "#6a3d9a"}
    page.close()


def test_focus_view_shows_every_label_whole(browser, bundled):
    out = bundled / "focus.html"
    run_cli("view", "--focus", "SK hynix", "--hops", "1", "--out", str(out), home=bundled, check=True)
    page, _ = _open(browser, out, width=900, height=600)
    cut = page.evaluate(
        """() => {
            const net = window.chainshock.network;
            const c = document.getElementById("network");
            const w = c.clientWidth, h = c.clientHeight;
            return net.body.nodeIndices.filter(id => {
                const s = net.body.nodes[id].labelModule.size;
                const a = net.canvasToDOM({x: s.left, y: s.top});
                const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
                return a.x < 0 || a.y < 0 || b.x > w || b.y > h;
            });
        }"""
    )
    assert cut == []
    page.close()
