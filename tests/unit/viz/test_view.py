"""build_view and render_view on synthetic and hostile graphs (no browser)."""

from __future__ import annotations

import json
import re

import pytest
from viz_fixtures import HOSTILE_NAME, HOSTILE_QUOTE, hostile_records

from chainshock.errors import NotFoundError
from chainshock.graph.snapshot import Snapshot, records_to_tables
from chainshock.queries.result import (
    Impact,
    PathEdge,
    QuarterValue,
    ScenarioInfo,
    ShockPath,
    ShockResult,
    ShockSpec,
)
from chainshock.viz.story import SHOCKED_BORDER, WINNER, ramp
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


def _scenario(synth) -> ShockResult:
    """HBM +30% reaching two synthetic companies: one pays, one gains."""
    buyer, seller = "company:synthetic-1", "company:synthetic-2"
    return ShockResult(
        scenario=ScenarioInfo(
            name="s",
            shocks=[ShockSpec(node="product:hbm", name="HBM", label="Product", pct=30, start_quarter="2026Q1")],
            quarters=["2026Q1", "2026Q2"],
        ),
        impacts=[
            Impact(node="product:hbm", name="HBM", label="Product", tier="memory", price_change=0.3),
            Impact(node=buyer, name="x", label="Company", tier="chips", price_change=0.03, margin_hit_usd=1e9,
                   path=[QuarterValue(quarter="2026Q1", price_change=0.01), QuarterValue(quarter="2026Q2", price_change=0.03)]),
            Impact(node=seller, name="y", label="Company", tier="memory", price_change=0.0, windfall_usd=4e9),
            Impact(node="company:synthetic-3", name="z", label="Company", tier="chips", price_change=0.001),
        ],
        paths=[
            ShockPath(target=buyer, target_name="x", shock="product:hbm", nodes=["product:hbm", buyer],
                      names=["HBM", "x"], edges=[PathEdge(type="USES", source="product:hbm", target=buyer, weight=0.1)],
                      contribution=0.03, share=1.0)
        ],
    )


def test_scenario_colours_winners_and_payers_by_operating_income(synth):
    result = _scenario(synth)
    view = build_view(synth, result=result, story=False)
    by_id = {n["id"]: n for n in view.nodes}
    payer, winner = by_id["company:synthetic-1"], by_id["company:synthetic-2"]
    # Green gains, red losses; the larger magnitude draws larger and darker.
    assert winner["color"]["background"] == ramp(4e9, 4e9) == WINNER[1]
    assert payer["color"]["background"] == ramp(-1e9, 4e9)
    red, green = (int(payer["color"]["background"][i : i + 2], 16) for i in (1, 3))
    assert red > green + 80
    assert winner["size"] > payer["size"] > by_id["company:synthetic-3"]["size"]
    assert "−$1.00 bn" in payer["label"] and "+3.00%" in payer["label"]
    assert payer["info"]["impact"]["operating_income_usd"] == -1e9
    # The shocked product has the black border the legend explains.
    assert by_id["product:hbm"]["color"]["border"] == SHOCKED_BORDER
    assert view.meta["scenario"] == "s"
    # Every framed node has one frame per quarter; the page starts on the last.
    frames = view.story["frames"]
    assert all(len(f) == 2 for f in frames.values())
    assert frames["company:synthetic-1"][0]["label"].endswith("+1.00%")
    assert frames["company:synthetic-1"][-1]["label"] == payer["label"]


def test_story_keeps_what_moves_and_the_edges_that_carry_it(synth):
    result = _scenario(synth)
    view = build_view(synth, result=result)
    ids = {n["id"] for n in view.nodes if n["group"] not in ("contract", "country", "index")}
    producers = set(synth.edges.loc[(synth.edges["type"] == "PRODUCES") & (synth.edges["target"] == "product:hbm"), "source"])
    # Moved beyond 0.5%, gained or lost, on a path, or selling the shocked product.
    assert ids == {"product:hbm", "company:synthetic-1", "company:synthetic-2"} | producers
    assert "company:synthetic-3" not in ids  # moved 0.1%: below the threshold
    uses = synth.edges[(synth.edges["type"] == "USES") & (synth.edges["source"] == "company:synthetic-1")
                       & (synth.edges["target"] == "product:hbm")]
    shown = {e["id"] for e in view.edges}
    assert set(uses["id"]) <= shown
    assert view.story["paths"][0]["edges"] == list(uses["id"])
    price_edges = [e for e in view.edges if e["info"]["type"] in ("SUPPLIES", "USES", "PRODUCES")]
    carried = set(view.story["paths"][0]["edges"]) | {
        e["id"] for e in price_edges if e["info"]["type"] == "PRODUCES" and e["to"] == "product:hbm"}
    assert {e["id"] for e in price_edges} <= carried | {
        e["id"] for e in price_edges if e["info"]["type"] == "PRODUCES"}
    hidden = {g["group"] for g in view.legend if g["hidden"]}
    assert hidden <= {"contract", "country", "index"}


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
