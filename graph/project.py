"""Projections of a snapshot: a networkx MultiDiGraph and the supply-flow graph.

The sparse cost-share matrix used by propagation is built in
:mod:`chainshock.queries.matrices`; this module keeps the graph views.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .snapshot import Snapshot

__all__ = ["FLOW_TYPES", "evidence_by_subject", "supply_flow_graph", "to_networkx"]

# Edge types that carry goods and money from supplier to buyer. USES is
# stored buyer -> product, so the flow runs against it.
FLOW_TYPES = {"SUPPLIES": False, "PRODUCES": False, "USES": True}


def evidence_by_subject(snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
    """Evidence rows grouped by subject id, each joined to its source.

    Parameters
    ----------
    snapshot : Snapshot

    Returns
    -------
    dict of str to list of dict
        ``subject id -> [{source_id, locator, quote, method, confidence,
        as_of, title, url, accession}, ...]``.

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> ev = evidence_by_subject(example_snapshot())
    >>> [(e["quote"], e["title"]) for e in ev["uses:company:chipco->product:hbm"]]
    [("HBM is ChipCo's largest input", 'chainshock docs: the example chain')]
    """
    sources = {row["id"]: row for row in snapshot.sources.to_dict("records")}
    out: dict[str, list[dict[str, Any]]] = {}
    for row in snapshot.evidence.to_dict("records"):
        src = sources.get(row["source_id"], {})
        item = {
            "source_id": row["source_id"],
            "locator": row["locator"],
            "quote": row["quote"],
            "method": row["method"],
            "confidence": float(row["confidence"]),
            "as_of": str(row["as_of"]) if row["as_of"] is not None else None,
            "title": src.get("title"),
            "url": src.get("url"),
            "accession": src.get("accession"),
        }
        out.setdefault(row["subject_id"], []).append(item)
    return out


def to_networkx(snapshot: Snapshot, with_evidence: bool = False) -> nx.MultiDiGraph:
    """The whole snapshot as a MultiDiGraph (edge key = edge id).

    Node attributes: label, name, roles and the node's properties. Edge
    attributes: type and the edge's properties (and ``evidence`` when asked).

    Parameters
    ----------
    snapshot : Snapshot
    with_evidence : bool
        Attach each edge's evidence (see :func:`evidence_by_subject`).

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> g = to_networkx(example_snapshot())
    >>> g.number_of_nodes(), g.number_of_edges()
    (4, 3)
    >>> g.edges["company:chipco", "product:hbm", "uses:company:chipco->product:hbm"]["cost_share"]["base"]
    0.3
    """
    g = nx.MultiDiGraph()
    for node in snapshot.node_records().values():
        g.add_node(node.id, label=node.label, name=node.name, roles=list(node.roles), **node.properties)
    evidence = evidence_by_subject(snapshot) if with_evidence else {}
    for edge in snapshot.edge_records():
        attrs: dict[str, Any] = {"type": edge.type, **edge.properties}
        if with_evidence:
            attrs["evidence"] = evidence.get(edge.id, [])
        g.add_edge(edge.source, edge.target, key=edge.id, **attrs)
    return g


def supply_flow_graph(snapshot: Snapshot) -> nx.DiGraph:
    """Supplier -> buyer graph over companies and products.

    Each arc keeps the ids of the stored edges it stands for (``edges``) and
    whether each was traversed against its stored direction (USES).

    Parameters
    ----------
    snapshot : Snapshot

    Returns
    -------
    networkx.DiGraph
        Arcs run the way goods and money flow: a product to its buyer.

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> g = supply_flow_graph(example_snapshot())
    >>> sorted(g.edges)
    [('company:chipco', 'company:cloudco'), ('company:memco', 'product:hbm'), ('product:hbm', 'company:chipco')]
    >>> g["product:hbm"]["company:chipco"]["edges"]
    [('uses:company:chipco->product:hbm', True)]
    """
    g = nx.DiGraph()
    for row in snapshot.nodes.itertuples(index=False):
        if row.label in ("Company", "Product"):
            g.add_node(row.id, label=row.label, name=row.name, roles=list(row.roles))
    for row in snapshot.edges.itertuples(index=False):
        if row.type not in FLOW_TYPES:
            continue
        reverse = FLOW_TYPES[row.type]
        u, v = (row.target, row.source) if reverse else (row.source, row.target)
        if g.has_edge(u, v):
            g[u][v]["edges"].append((row.id, reverse))
        else:
            g.add_edge(u, v, edges=[(row.id, reverse)])
    return g
