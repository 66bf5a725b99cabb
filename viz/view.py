"""What the graph view shows: nodes, edges, tooltips, legend, layout.

:func:`build_view` is pure: a snapshot (and optionally a shock result) in,
a :class:`GraphView` out. It picks the nodes (``focus``/``hops``,
``roles``), places them by tier (:mod:`chainshock.viz.layout`), colours them
by role, sizes them by impact, sets edge widths by cost share, and gathers
for every node its key facts (capex by year, market shares, contract terms)
and for every edge its evidence quotes with a link to the source. Turning
that into HTML is :mod:`chainshock.viz.view_html`.

The tooltip data are plain strings and numbers: the page builds the tooltip
as DOM nodes with ``textContent``, so a name or quote is never parsed as
HTML, and links come only from :func:`chainshock.viz.links.source_url`.

Examples
--------
>>> from chainshock.graph.snapshot import records_to_tables, Snapshot
>>> from chainshock.viz.synthetic import synthetic_records
>>> t = records_to_tables(synthetic_records(40))
>>> snap = Snapshot(path=None, manifest={}, **t)
>>> view = build_view(snap)
>>> len(view.nodes), len(view.edges) == len(snap.edges)
(40, True)
>>> sorted(view.nodes[0])[:4]
['color', 'footprint', 'group', 'id']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from chainshock.graph.schema import tier_of

from .layout import FONT_SIZE, Box, label_box, tier_layout
from .links import source_url
from .outcome import outcome as read_outcome
from .story import (
    SHIELD_BORDER,
    SHOCKED_BORDER,
    frames,
    path_edges,
    short_name,
    story_nodes,
)
from .view_model import (
    EDGE_STYLE,
    GROUP_COLORS,
    GROUP_NAMES,
    GROUP_SHAPES,
    SHAPES,
    GraphView,
    _estimate,
    _records,
    _text,
    _tuples,
    node_group,
    select_nodes,
)

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot
    from chainshock.queries.result import ShockResult

__all__ = [
    "GROUP_COLORS",
    "GROUP_NAMES",
    "GraphView",
    "build_view",
    "node_group",
    "select_nodes",
]

_FACT_METRICS = (
    "capex",
    "revenue",
    "cost_of_revenue",
    "remaining_performance_obligations",
    "purchase_obligations",
)
_MAX_EVIDENCE = 5  # quotes per edge in the tooltip; the rest are counted


def _tier(label: str, roles: Sequence[str], props: Mapping[str, Any]) -> str:
    if label == "Index":
        return "indexes"
    if label in ("Company", "Product"):
        return tier_of(label, roles, props.get("category"))
    return "other"


def build_view(
    snapshot: Snapshot,
    *,
    focus: str | None = None,
    hops: int = 2,
    roles: Iterable[str] = (),
    result: ShockResult | None = None,
    title: str = "chainshock: AI supply chain",
    story: bool = True,
    threshold: float = 0.005,
) -> GraphView:
    """The view of ``snapshot`` (see the module docstring).

    Parameters
    ----------
    snapshot : Snapshot
    focus, hops : optional
        Show only nodes within ``hops`` steps of the node id ``focus``.
    roles : iterable of str
        Show only companies with one of these roles (and what links them).
    result : ShockResult, optional
        Colour and size companies by their change of operating income in
        USD, products by their price change, and replay the quarters.
    title : str
        The page title (escaped when rendered).
    story : bool
        With ``result``: show only what the shock moves beyond ``threshold``
        and the edges that carry it (contracts, countries and indexes linked
        to those nodes come along, hidden until their legend entry is
        ticked). False shows the whole selection.
    threshold : float
        Smallest price change (fraction) a node needs to be shown in the story.
    """
    keep = select_nodes(snapshot, focus, hops, roles)
    outcome = read_outcome(result) if result is not None else None
    carried: list[list[str]] = []
    story_edges: set[str] | None = None
    if result is not None and outcome is not None:
        carried = path_edges(result, snapshot.edges)
        if story:
            movers = story_nodes(result, outcome, snapshot.edges, threshold) & set(keep)
            story_edges = {e for ids in carried for e in ids}
            label_of = dict(zip(snapshot.nodes["id"], snapshot.nodes["label"], strict=True))
            extra: set[str] = set()
            for eid, src, tgt in zip(
                snapshot.edges["id"], snapshot.edges["source"], snapshot.edges["target"], strict=True
            ):
                # Contracts, countries and indexes of the story's nodes ride
                # along, hidden until asked for (one click in the legend).
                if src in movers and label_of.get(tgt) in ("Contract", "Country", "Index"):
                    extra.add(tgt)
                    story_edges.add(eid)
                elif tgt in movers and label_of.get(src) == "Contract":
                    extra.add(src)
                    story_edges.add(eid)
            keep = [n for n in keep if n in movers or n in extra]
    kept = set(keep)
    rows = {row["id"]: row for row in _records(snapshot.nodes) if row["id"] in kept}
    props = {nid: dict(snapshot.node_props(nid)) for nid in rows}
    names = {nid: str(row["name"]) for nid, row in rows.items()}

    from chainshock.graph.audit import SourceInfo, evidence_grade

    sources: dict[str, dict[str, Any]] = {}
    source_info: dict[str, SourceInfo] = {}
    for src in _records(snapshot.sources):
        sources[src["id"]] = {
            "id": src["id"],
            "title": _text(src.get("title") or src["id"], 200),
            "url": source_url(src),
            "accession": src.get("accession"),
        }
        source_info[src["id"]] = SourceInfo(
            id=src["id"], kind=str(src.get("kind") or "web"), reliability=str(src.get("reliability") or "primary"),
            accession=src.get("accession"),
        )

    cited: dict[str, dict[str, Any]] = {}

    def cite(source_id: str) -> str:
        # Sources are stored once per page and cited by id: a filing backs
        # thousands of facts, and repeating it would bloat a large view.
        if source_id not in cited:
            cited[source_id] = sources.get(source_id) or {"id": source_id, "title": source_id, "url": None}
        return source_id

    edges = [
        r
        for r in _tuples(snapshot.edges, ("id", "type", "source", "target", "properties"))
        if r.source in kept and r.target in kept and (story_edges is None or r.id in story_edges)
    ]
    wanted = {r.id for r in edges} | kept
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ev_cols = ("subject_id", "source_id", "locator", "quote", "method", "as_of")
    for row in _tuples(snapshot.evidence, ev_cols):
        if row.subject_id not in wanted:
            continue
        evidence[row.subject_id].append(
            {
                "quote": _text(row.quote),
                "locator": _text(row.locator, 200),
                "method": row.method,
                "as_of": str(row.as_of) if row.as_of is not None else None,
                "source": cite(row.source_id),
                "grade": evidence_grade(str(row.method or "curated"), source_info.get(row.source_id)),
            }
        )

    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fact_cols = ("company", "metric", "fiscal_year", "fiscal_period", "period_end", "value", "unit", "source_id", "estimate")
    fact_rows = sorted(
        (
            r
            for r in _tuples(snapshot.facts, fact_cols)
            if r.company in kept and r.metric in _FACT_METRICS and r.fiscal_period in ("FY", "instant", None)
        ),
        key=lambda r: (r.company, r.metric, str(r.period_end)),
    )
    for row in fact_rows:
        facts[row.company].append(
            {
                "metric": row.metric,
                "fiscal_year": None if row.fiscal_year is None or row.fiscal_year != row.fiscal_year else int(row.fiscal_year),
                "period_end": str(row.period_end),
                "value": float(row.value),
                "unit": row.unit,
                "estimate": isinstance(row.estimate, str),
                "source": cite(row.source_id),
            }
        )
    # Keep the latest five years of each metric: the tooltip is a glance.
    for company, items in facts.items():
        by_metric: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in items:
            by_metric[item["metric"]].append(item)
        facts[company] = [i for m in _FACT_METRICS for i in by_metric.get(m, [])[-5:]]

    shares: dict[str, list[dict[str, Any]]] = defaultdict(list)
    parties: dict[str, list[str]] = defaultdict(list)
    covers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    edge_record = {e.id: e for e in snapshot.edge_records()}
    edge_props = [dict(edge_record[r.id].properties) for r in edges]
    for row, p in zip(edges, edge_props, strict=True):
        if row.type == "PRODUCES" and "market_share" in p:
            est = _estimate(p["market_share"])
            shares[row.source].append({"of": names[row.target], **(est or {})})
            shares[row.target].append({"of": names[row.source], **(est or {})})
        elif row.type == "PARTY_TO":
            parties[row.target].append(f"{names[row.source]} ({p.get('role', 'party')})")
        elif row.type == "COVERS":
            covers[row.source].append(
                {"product": names[row.target], "price_terms": p.get("price_terms"), "fixed_share": _estimate(p.get("fixed_share"))}
            )

    impacts: dict[str, dict[str, Any]] = {}
    if result is not None and outcome is not None:
        indexes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for idx in result.indexes:
            indexes[idx.index].append(
                {"weighting": idx.weighting, "change": idx.change, "p5": idx.p5, "p95": idx.p95, "coverage": idx.coverage}
            )
        for imp in result.impacts:
            if imp.node in kept:
                impacts[imp.node] = {
                    "price_change": imp.price_change,
                    "p5": imp.p5,
                    "p95": imp.p95,
                    "margin_hit_usd": imp.margin_hit_usd,
                    "windfall_usd": imp.windfall_usd,
                    "shielded": imp.shielded,
                }
        for nid, value in outcome.operating_income.items():
            if nid in kept:
                entry = impacts.setdefault(nid, {})
                entry["operating_income_usd"] = value
                entry["basis"] = outcome.basis
                if nid in outcome.revenue:
                    entry["revenue_usd"] = outcome.revenue[nid]
                    entry["cost_usd"] = outcome.cost[nid]
        for nid, rows_ in indexes.items():
            if nid in kept:
                impacts.setdefault(nid, {})["index"] = rows_

    # Contracts sit in their buyer's column; products and companies in their tier.
    tiers: dict[str, str] = {}
    groups: dict[str, str] = {}
    for nid in keep:
        row = rows[nid]
        roles_ = list(row["roles"]) if row["roles"] is not None else []
        tiers[nid] = _tier(row["label"], roles_, props[nid])
        groups[nid] = node_group(row["label"], roles_)
    for row, p in zip(edges, edge_props, strict=True):
        if (
            row.type == "PARTY_TO"
            and rows[row.target]["label"] == "Contract"
            and (p.get("role") in ("buyer", "offtaker") or tiers[row.target] == "other")
        ):
            tiers[row.target] = tiers[row.source]
    lane = {"Company": 0, "Product": 1, "Contract": 2}

    labels = {nid: short_name(names[nid]) for nid in keep}
    node_frames: dict[str, list[dict[str, Any]]] = {}
    scale: dict[str, Any] = {}
    if result is not None and outcome is not None:
        node_frames, scale = frames(
            result, outcome, ((nid, rows[nid]["label"], labels[nid]) for nid in keep if nid in impacts)
        )
    strength = {
        nid: max(abs(f["size"]) for f in fr) for nid, fr in node_frames.items()
    }

    def order(nid: str) -> tuple[float, str]:
        return (-strength.get(nid, 0.0), names[nid].lower())

    def footprint(nid: str) -> Box:
        fr = node_frames.get(nid)
        if not fr:
            return label_box(labels[nid], 12.0, FONT_SIZE)
        # The largest node and the longest label any quarter draws: the
        # slider must not make labels collide.
        widest = max(fr, key=lambda f: max(len(x) for x in f["label"].split("\n")))
        box = label_box(widest["label"], max(f["size"] for f in fr), FONT_SIZE)
        return box

    ordered = sorted(keep, key=order)
    boxes = {nid: footprint(nid) for nid in keep}
    positions, headers = tier_layout(
        ((nid, tiers[nid], lane.get(rows[nid]["label"], 3)) for nid in ordered),
        boxes=boxes,
        # A story or a focus view is small: columns close together keep its
        # labels legible when the whole of it is fitted to the screen.
        column_gap=90.0 if story_edges is not None or len(keep) <= 150 else 200.0,
    )
    shocked = {s.node for s in result.scenario.shocks} if result is not None else set()

    view_nodes: list[dict[str, Any]] = []
    for nid in keep:
        row = rows[nid]
        p = props[nid]
        group = groups[nid]
        info: dict[str, Any] = {
            "id": nid,
            "name": _text(row["name"], 200),
            "label": row["label"],
            "group": GROUP_NAMES.get(group, group),
            "tier": tiers[nid],
            "roles": [str(r) for r in (row["roles"] if row["roles"] is not None else [])],
            "ticker": row.get("ticker"),
            "facts": facts.get(nid, []),
            "market_share": shares.get(nid, [])[:8],
            "evidence": evidence.get(nid, [])[:_MAX_EVIDENCE],
        }
        if row["label"] == "Contract":
            info["contract"] = {
                "kind": p.get("kind"),
                "start": p.get("start"),
                "end": p.get("end"),
                "value_usd": _estimate(p.get("value_usd")),
                "capacity_mw": p.get("capacity_mw"),
                "parties": parties.get(nid, []),
                "covers": covers.get(nid, []),
                "description": _text(p.get("description"), 400) if p.get("description") else None,
            }
        if nid in impacts:
            info["impact"] = impacts[nid]
        if nid in shocked:
            info["shocked"] = True
        x, y = positions[nid]
        node: dict[str, Any] = {
            "id": nid,
            "label": labels[nid],
            "shape": SHAPES.get(row["label"], "dot"),
            "color": GROUP_COLORS.get(group, GROUP_COLORS["other"]),
            "size": 12.0,
            "x": round(x, 1),
            "y": round(y, 1),
            "group": group,
            # Width, extent above and below the centre of the node with its
            # widest label: the page fits the first frame to these, before
            # vis-network has placed any label.
            "footprint": [round(v, 1) for v in boxes[nid]],
            "info": info,
        }
        if result is not None:
            # Under a scenario the fill says who gains and who pays; nodes
            # the shock does not reach are drawn pale.
            node["color"] = {"background": "#eeeeee", "border": "#bbbbbb"}
            node["size"] = 8.0
        if nid in node_frames:
            last = node_frames[nid][-1]
            node["label"] = last["label"]
            node["size"] = last["size"]
            node["color"] = {"background": last["color"], "border": "#00000055"}
        if nid in shocked:
            node["borderWidth"] = 4
            node["color"] = {**node["color"], "border": SHOCKED_BORDER}
        elif impacts.get(nid, {}).get("shielded"):
            node["borderWidth"] = 3
            node["color"] = {**node["color"], "border": SHIELD_BORDER}
            node["shapeProperties"] = {"borderDashes": [5, 3]}
        view_nodes.append(node)

    view_edges: list[dict[str, Any]] = []
    for row, p in zip(edges, edge_props, strict=True):
        share = _estimate(p.get("cost_share")) or _estimate(p.get("capex_share"))
        width = 1.0
        if share and share["base"] is not None:
            width = 1.0 + 14.0 * float(share["base"])
        elif row.type == "CONSTITUENT_OF" and _estimate(p.get("weight")):
            width = 1.0 + 20.0 * float(_estimate(p["weight"])["base"])  # type: ignore[index]
        details = {
            k: _estimate(v) if isinstance(v, Mapping) else v
            for k, v in sorted(p.items())
            if k != "product"
        }
        all_ev = evidence.get(row.id, [])
        style = dict(EDGE_STYLE.get(row.type, {}))
        if row.type == "USES":
            # Stored buyer -> product, but cost flows product -> buyer: the
            # arrowhead goes at the buyer's end, so the arrow reads that way.
            style["arrows"] = {"to": {"enabled": False}, "from": {"enabled": True, "scaleFactor": 0.45}}
        view_edges.append(
            {
                "id": row.id,
                "from": row.source,
                "to": row.target,
                "width": round(min(width, 12.0), 2),
                **style,
                "info": {
                    "id": row.id,
                    "type": row.type,
                    "from": names[row.source],
                    "to": names[row.target],
                    "product": names.get(p["product"], p["product"]) if p.get("product") else None,
                    "properties": details,
                    "evidence": all_ev[:_MAX_EVIDENCE],
                    "more_evidence": max(0, len(all_ev) - _MAX_EVIDENCE),
                },
            }
        )

    present: dict[str, int] = defaultdict(int)
    for n in view_nodes:
        present[n["group"]] += 1
    legend = [
        {
            "group": g,
            "name": GROUP_NAMES[g],
            "color": GROUP_COLORS[g],
            "shape": GROUP_SHAPES.get(g, "dot"),
            "count": present[g],
            # Countries only add LOCATED_IN spokes, contracts the terms
            # behind a shield: both shown on request (one click).
            # In the story, indexes too: their moves are in the tooltips and
            # the report, and their spokes cross the whole drawing.
            "hidden": g == "country" or (result is not None and g == "contract")
            or (story_edges is not None and g == "index"),
        }
        for g in GROUP_COLORS
        if present.get(g)
    ]
    meta = {
        "snapshot": snapshot.content_hash if snapshot.manifest else "",
        "focus": names.get(focus) if focus else None,
        "hops": hops if focus else None,
        "roles": sorted(set(roles)),
        "scenario": result.scenario.name if result is not None else None,
        "sized_by": (
            f"Δ operating income (USD, {outcome.basis}); products by price change" if outcome is not None else None
        ),
    }
    story_data: dict[str, Any] = {}
    if result is not None and outcome is not None:
        shown_edges = {e["id"] for e in view_edges}
        paths = []
        for path, ids in zip(result.paths, carried, strict=True):
            if path.target in kept and all(n in kept for n in path.nodes):
                paths.append(
                    {
                        "target": path.target,
                        "nodes": list(dict.fromkeys(path.nodes + [s for st in path.edges for s in st.via if s in kept])),
                        "edges": [e for e in ids if e in shown_edges],
                        "contribution": path.contribution,
                        "share": path.share,
                        "text": " → ".join(short_name(n) for n in path.names),
                    }
                )
        story_data = {
            "quarters": scale.get("quarters", []),
            "frames": node_frames,
            "basis": outcome.basis,
            "by_quarter": outcome.by_quarter,
            "largest_oi": scale.get("oi", 0.0),
            "largest_price": scale.get("price", 0.0),
            "paths": paths,
            "shocked": sorted(shocked & kept),
            "filtered": story,
            "threshold": threshold,
        }
    return GraphView(
        title=title,
        nodes=view_nodes,
        edges=view_edges,
        legend=legend,
        headers=headers,
        meta=meta,
        sources=dict(sorted(cited.items())),
        story=story_data,
    )
