"""The graph view as one self-contained HTML file (pyvis + vis-network inline).

pyvis assembles the network (nodes, edges, options); the page is rendered
from chainshock's own template, because pyvis's template pulls Bootstrap
from a CDN even with ``cdn_resources="in_line"``. vis-network's JS and CSS
are read from the pyvis package and inlined, so the file opens offline.

Safety: the graph data travel as JSON in a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` escaped, so no string can close the block;
the page builds tooltips and the details panel from that data with
``textContent`` and only ``http(s)`` links. The page title is escaped by
Jinja's autoescape.

Examples
--------
>>> from chainshock.graph.snapshot import records_to_tables, Snapshot
>>> from chainshock.viz.synthetic import synthetic_records
>>> from chainshock.viz.view import build_view
>>> snap = Snapshot(path=None, manifest={}, **records_to_tables(synthetic_records(30)))
>>> html = render_view(build_view(snap))
>>> "<script src=" in html or "<link " in html
False
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from .files import write_text_atomic
from .layout import FONT_SIZE
from .view import GraphView

__all__ = ["json_for_html", "render_view", "vis_assets", "write_view"]

_TEMPLATES = Path(__file__).parent / "templates"


def json_for_html(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` block.

    >>> json_for_html({"q": "</script><img src=x onerror=alert(1)>"})
    '{"q": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package."""
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # A literal "</script" inside the library would end the inline block early.
    if re.search(r"</script", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise RuntimeError("vis-network asset contains a closing tag; cannot inline it")
    return js, css


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("view.html.j2")


class _Network(Network):
    """pyvis's Network with constant-time node lookups.

    ``Network.add_edge`` checks both ends with ``x in self.get_nodes()``, a
    list: quadratic, 1.7 s for 15,000 edges. A set answers the same question.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids: set[Any] = set()

    def add_node(self, n_id: Any, *args: Any, **kwargs: Any) -> None:
        super().add_node(n_id, *args, **kwargs)
        self._ids.add(n_id)

    def get_nodes(self) -> Any:
        return self._ids


def _network(view: GraphView, tier_layout: bool = True) -> Network:
    """The pyvis network: nodes at their precomputed positions, options set.

    ``tier_layout=False`` drops the positions and lets vis-network's force
    layout place every node, as pyvis does by default; the benchmark uses
    it as the baseline the tier layout is measured against.
    """
    # The tier layout is drawn as computed, physics off: a simulation over
    # thousands of nodes freezes the page for minutes (see bench_viz.py).
    physics = not tier_layout
    large = _is_large(view)
    net = _Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading="")
    for node in view.nodes:
        # ``info`` (tooltip data) travels beside the DataSet, not in it:
        # vis-network copies every node option, which costs seconds at 5,000.
        opts = {k: v for k, v in node.items() if k not in ("id", "label", "shape", "color", "info")}
        if not tier_layout:
            opts.pop("x", None)
            opts.pop("y", None)
        net.add_node(node["id"], label=node["label"], shape=node["shape"], **opts)
        if isinstance(node["color"], dict):
            # pyvis drops ``color`` for grouped nodes; a margin hit's red
            # border must override the group's colour.
            net.node_map[node["id"]]["color"] = node["color"]
    for edge in view.edges:
        opts = {k: v for k, v in edge.items() if k not in ("from", "to", "info")}
        if large:
            # Dashed lines cost canvas ~5x more than solid ones.
            opts.pop("dashes", None)
        net.add_edge(edge["from"], edge["to"], **opts)
    net.set_options(
        json.dumps(
            {
                "autoResize": True,
                "groups": {
                    group: {"color": {"background": color, "border": "#00000055"}, "shape": shape}
                    for group, color, shape in view.group_styles
                },
                "layout": {"improvedLayout": False, "randomSeed": 7},
                "physics": {
                    # Off with the tier layout; vis's defaults (as pyvis uses
                    # them) for the force-layout baseline.
                    "enabled": physics,
                    "solver": "barnesHut",
                    "stabilization": {"enabled": True, "iterations": 1000, "fit": True},
                },
                "interaction": {
                    "hover": True,
                    "tooltipDelay": 150,
                    "hideEdgesOnDrag": large,
                    "hideEdgesOnZoom": large,
                    "navigationButtons": False,
                    "keyboard": {"enabled": True, "bindToWindow": False},
                    "multiselect": False,
                },
                "nodes": {
                    "font": {
                        "size": FONT_SIZE,
                        "face": "system-ui, sans-serif",
                        "strokeWidth": 3,
                        "strokeColor": "#ffffff",
                    },
                    "borderWidth": 1,
                    "scaling": {"label": {"enabled": False, "drawThreshold": 4}},
                },
                "edges": {
                    "smooth": False if large else {"enabled": True, "type": "curvedCW", "roundness": 0.12},
                    "color": {"opacity": 0.35 if large else 1.0},
                    "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                    "selectionWidth": 2,
                    "hoverWidth": 1.5,
                },
            }
        )
    )
    return net


def render_view(view: GraphView, tier_layout: bool = True) -> str:
    """The page as a string (see the module docstring).

    ``tier_layout=False`` drops the precomputed positions and lets
    vis-network's force layout place the nodes (pyvis's default); it exists
    as the benchmark's baseline.
    """
    net = _network(view, tier_layout)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    # pyvis repeats ``arrows: "to"`` on every edge of a directed network;
    # the global edge option says the same once, and vis parses it once.
    edges = [{k: v for k, v in e.items() if not (k == "arrows" and v == "to")} for e in edges]
    js, css = vis_assets()
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "legend": view.legend,
        "headers": view.headers,
        "headerSize": _header_size(view),
        "meta": view.meta,
        "story": view.story or None,
        "edgeTypes": [
            {
                "type": t,
                "color": style.get("color", "#888"),
                "dashes": bool(style.get("dashes")) and not _is_large(view),
            }
            for t, style in _edge_types(view.edges).items()
        ],
    }
    # Tooltip data sit in a second block, parsed on the first hover or
    # click: most of the page's bytes, none of them needed to draw.
    info = {
        "nodeInfo": {n["id"]: n["info"] for n in view.nodes},
        "edgeInfo": {e["id"]: e["info"] for e in view.edges},
        "sources": view.sources,
    }
    return _template().render(
        title=view.title,
        meta=view.meta,
        story=view.story or None,
        counts=view.counts_line(),
        vis_js=Markup(js),
        vis_css=Markup(css),
        data_json=Markup(json_for_html(data)),
        info_json=Markup(json_for_html(info)),
    )


def _is_large(view: GraphView) -> bool:
    """Large graphs trade looks for speed: straight solid edges, hidden while moving."""
    return len(view.nodes) > 1000 or len(view.edges) > 3000


def _header_size(view: GraphView) -> float:
    """Tier headers readable when the whole graph is fitted to the screen."""
    xs = [n["x"] for n in view.nodes] or [0.0]
    return round(max(22.0, (max(xs) - min(xs)) / 110.0), 1)


def _edge_types(edges: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for e in edges:
        t = e["info"]["type"]
        if t not in out:
            out[t] = {"color": e.get("color"), "dashes": e.get("dashes")}
    return dict(sorted(out.items()))


def write_view(
    view: GraphView, path: str | os.PathLike[str], tier_layout: bool = True
) -> Path:
    """Render ``view`` and write it to ``path`` atomically (never half-written)."""
    html = render_view(view, tier_layout)
    return write_text_atomic(path, html)
