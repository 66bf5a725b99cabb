"""build_view and render_view on synthetic and hostile graphs (no browser)."""

from __future__ import annotations

import json
import re

import pytest
from viz_fixtures import HOSTILE_NAME, HOSTILE_QUOTE, hostile_records

from chainshock.errors import NotFoundError
from chainshock.graph.snapshot import Snapshot, records_to_tables
from chainshock.queries.result import Impact, ScenarioInfo, ShockResult
from chainshock.viz.synthetic import synthetic_records
from chainshock.viz.view import build_view, node_group, select_nodes
from chainshock.viz.view_html import json_for_html, render_view, vis_assets


def _snap(records) -> Snapshot:
    return Snapshot(path=None, manifest={}, **records_to_tables(records))


@pytest.fixture(scope="module")
def synth() -> Snapshot:
    return _snap(synthetic_records(300, seed=5))


def _data(html: str) -> dict:
    """The page's two JSON blocks (graph data, tooltip data), merged."""
    out: dict = {}
    for name in ("data", "info"):
        block = re.search(rf'<script type="application/json" id="chainshock-{name}">(.*?)</script>', html, re.S)
        assert block
        out.update(json.loads(block.group(1)))
    return out


def test_view_holds_every_node_and_edge_with_tooltip_data(synth):
    view = build_view(synth)
    assert len(view.nodes) == len(synth.nodes) and len(view.edges) == len(synth.edges)
    company = synth.facts["company"].iloc[0]
    info = next(n["info"] for n in view.nodes if n["id"] == company)
    assert [f["metric"] for f in info["facts"]].count("capex") == 3
    assert all(f["source"] in view.sources for f in info["facts"])
    supplies = next(e for e in view.edges if e["info"]["type"] == "SUPPLIES")
    share = supplies["info"]["properties"]["cost_share"]
    assert share["estimate"] is True and share["low"] <= share["base"] <= share["high"]
    assert supplies["width"] == pytest.approx(1 + 14 * share["base"], abs=0.01)
    assert supplies["info"]["evidence"][0]["quote"].startswith("Synthetic quote")


def test_focus_keeps_the_hops_neighbourhood(synth):
    focus = "company:synthetic-0"
    one = set(select_nodes(synth, focus, 1))
    edges = synth.edges
    neighbours = set(edges.loc[edges["source"] == focus, "target"]) | set(edges.loc[edges["target"] == focus, "source"])
    assert one == neighbours | {focus}
    assert set(select_nodes(synth, focus, 0)) == {focus}
    assert one < set(select_nodes(synth, focus, 2))


def test_role_filter_keeps_those_companies_and_their_links(synth):
    ids = select_nodes(synth, roles=["memory_producer"])
    labels = dict(zip(synth.nodes["id"], synth.nodes["label"], strict=True))
    roles = dict(zip(synth.nodes["id"], synth.nodes["roles"], strict=True))
    companies = [i for i in ids if labels[i] == "Company"]
    assert companies and all("memory_producer" in roles[i] for i in companies)
    assert "product:hbm" in ids


def test_unknown_focus_or_role_is_a_user_error(synth):
    with pytest.raises(NotFoundError):
        select_nodes(synth, "company:nope", 1)
    with pytest.raises(NotFoundError, match="unknown role"):
        select_nodes(synth, roles=["wizard"])


def test_node_group_is_the_most_upstream_role():
    assert node_group("Company", ["software", "hyperscaler"]) == "hyperscaler"
    assert node_group("Product", []) == "product"


def test_scenario_sizes_nodes_by_price_change(synth):
    result = ShockResult(
        scenario=ScenarioInfo(name="s"),
        impacts=[
            Impact(node="product:hbm", name="HBM", label="Product", tier="memory", price_change=0.3),
            Impact(node="company:synthetic-1", name="x", label="Company", tier="chips", price_change=0.03, margin_hit_usd=1e9),
        ],
    )
    view = build_view(synth, result=result)
    size = {n["id"]: n["size"] for n in view.nodes}
    assert size["product:hbm"] > size["company:synthetic-1"] > size["company:synthetic-2"]
    hit = next(n for n in view.nodes if n["id"] == "company:synthetic-1")
    assert hit["color"]["border"] == "#b30000" and hit["info"]["impact"]["margin_hit_usd"] == 1e9
    assert view.meta["scenario"] == "s"


def test_html_is_self_contained_and_offline(synth):
    html = render_view(build_view(synth))
    assert not re.search(r"""<(script|link|img|iframe)[^>]*(src|href)\s*=""", html, re.I)
    js, css = vis_assets()
    assert js[:2000] in html and css[:500] in html  # vis-network inlined from the pyvis package
    # Outside vis-network itself and the graph data, the page names no URL at all.
    shell = re.sub(r'(?s)<script type="application/json".*?</script>', "", html.replace(js, "").replace(css, ""))
    assert "http://" not in shell and "https://" not in shell
    data = _data(html)
    assert len(data["nodes"]) == len(synth.nodes) and set(data["nodeInfo"]) == set(synth.nodes["id"])
    assert "info" not in data["nodes"][0]  # tooltip data beside the DataSet, not in it
    assert data["options"]["physics"]["enabled"] is False


def test_hostile_strings_cannot_break_out_of_the_data_block():
    html = render_view(build_view(_snap(hostile_records()), title="<script>alert('t')</script>"))
    js, _ = vis_assets()
    assert html.replace(js, "").count("<script") == 4  # vis-network, two data blocks, the page script
    assert "<script>alert('t')</script>" not in html and "&lt;script&gt;alert" in html
    data = _data(html)
    assert data["nodeInfo"]["company:evil"]["name"] == HOSTILE_NAME
    quotes = [e["quote"] for info in data["edgeInfo"].values() for e in info["evidence"]]
    assert HOSTILE_QUOTE in quotes
    evil_source = data["sources"]["src:evil"]
    assert evil_source["url"] is None  # javascript: URL dropped


def test_json_for_html_escapes_closing_tags_and_separators():
    text = json_for_html({"a": "</script>\u2028&"})
    assert "</" not in text and "\u2028" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script>\u2028&"}
