"""The scenario view fits at load: every node drawn, with its label, lies inside the viewport.

A headless screenshot of `chainshock view --scenario memory-squeeze` once
showed the memory column cut off at the left edge: the screenshot's
viewport grows after load, and vis-network's resize zoomed in. These tests
measure, in real Chromium, the label boxes vis-network computed, placed
with the camera of the first frame drawn, at common desktop viewport
sizes; then they make the window taller and wider, as the screenshot did,
and measure again; and they check a user's zoom is not undone by a resize.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium_support import SKIP_MESSAGE, chromium_executable, launch, open_file
from support import REPO, run_cli

from chainshock.viz.layout import FONT_SIZE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_executable() is None, reason=SKIP_MESSAGE),
]
SCENARIO = REPO / "scenarios" / "memory-squeeze.yaml"
VIEWPORTS = [(1024, 768), (1280, 720), (1366, 768), (1440, 900), (1536, 864), (1920, 1080)]


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("fit-home")
    run_cli("build", home=home, check=True)
    out = home / "story.html"
    run_cli("view", "--scenario", str(SCENARIO), "--out", str(out), home=home, check=True)
    return out


# Every drawn node's shape-and-label box (vis-network's own measure) in
# container pixels, under the camera ``cam`` (default: the current one).
_CUT = """(cam) => {
    const net = window.chainshock.network;
    const c = document.getElementById("network");
    const w = c.clientWidth, h = c.clientHeight;
    cam = cam || {scale: net.getScale(), position: net.getViewPosition(), width: w, height: h};
    const dom = (x, y) => [(x - cam.position.x) * cam.scale + cam.width / 2,
                           (y - cam.position.y) * cam.scale + cam.height / 2];
    const ids = net.body.nodeIndices;
    const cut = ids.filter(id => {
        const n = net.body.nodes[id];
        const bb = n.shape.boundingBox, s = n.labelModule.size;
        const l = Math.min(bb.left, s.left), t = Math.min(bb.top, s.top);
        const r = Math.max(bb.right, s.left + s.width), b = Math.max(bb.bottom, s.top + s.height);
        const [x0, y0] = dom(l, t), [x1, y1] = dom(r, b);
        return x0 < 0 || y0 < 0 || x1 > cam.width || y1 > cam.height || !(s.width > 0);
    });
    return {shown: ids.length, cut: cut, scale: cam.scale,
            threshold: net.body.nodes[ids[0]].options.scaling.label.drawThreshold,
            size: [cam.width, cam.height], now: [w, h]};
}"""


def _open(browser, path: Path, width: int, height: int):
    page, log = open_file(browser, path, width=width, height=height)
    page.wait_for_function("window.chainshock && window.chainshock.drawn === true", timeout=30_000)
    return page, log


def _assert_fits(m: dict, where: str) -> None:
    assert m["shown"] > 20, where
    assert m["cut"] == [], f"{where}: labels cut at the edge: {m['cut']}"
    # Labels are drawn, not culled for being too small (vis-network's drawThreshold).
    assert m["scale"] * FONT_SIZE >= m["threshold"], f"{where}: labels too small to draw ({m['scale']:.3f})"


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_first_frame_shows_every_node_with_its_label(browser, story, width, height):
    page, log = _open(browser, story, width, height)
    first = page.evaluate("window.chainshock.firstFrame")
    m = page.evaluate(_CUT, first)
    _assert_fits(m, f"first frame at {width}x{height}")
    # The frame after it (the refit with the fonts as drawn) fits too.
    page.evaluate("window.chainshock.network.redraw()")
    _assert_fits(page.evaluate(_CUT), f"settled at {width}x{height}")
    assert log.page_errors == [] and log.console_errors == []
    page.close()


@pytest.mark.parametrize(("width", "height"), [(800, 513), (1280, 713), (1024, 600)])
def test_a_window_made_larger_after_load_stays_fitted(browser, story, width, height):
    # What `chromium --headless --screenshot --window-size=W,H` does: the
    # page loads in a shorter viewport, which grows to W x H before the capture.
    page, _ = _open(browser, story, width, height)
    page.set_viewport_size({"width": width, "height": height + 87})
    page.wait_for_function(
        "document.getElementById('network').clientHeight === window.chainshock.network.canvas.frame.canvas.clientHeight"
    )
    page.evaluate("window.chainshock.network.redraw()")
    m = page.evaluate(_CUT)
    assert m["cut"] == [], m
    page.set_viewport_size({"width": width + 400, "height": height + 87})
    page.wait_for_function("window.chainshock.network.canvas.frame.canvas.clientWidth === document.getElementById('network').clientWidth")
    page.evaluate("window.chainshock.network.redraw()")
    _assert_fits(page.evaluate(_CUT), f"{width}x{height} widened")
    page.close()


def test_a_resize_keeps_the_users_zoom(browser, story):
    page, _ = _open(browser, story, 1280, 720)
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function("window.chainshock.isFitted() === false")
    zoomed = page.evaluate("window.chainshock.network.getScale()")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    page.evaluate("window.chainshock.network.redraw()")
    # vis-network keeps the zoom (in proportion to the taller side); no refit to the whole.
    assert page.evaluate("window.chainshock.network.getScale()") >= zoomed
    assert page.evaluate(_CUT)["cut"] != []
    # The Fit button brings the whole drawing back.
    page.locator("#fit").click()
    _assert_fits(page.evaluate(_CUT), "after Fit")
    page.close()
