"""Supply paths between two nodes, with the evidence of every hop.

A path follows money and goods from supplier to buyer: ``SUPPLIES``
(supplier -> buyer), ``PRODUCES`` (producer -> product) and ``USES``
traversed from the product to the buyer that uses it.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import networkx as nx
from pydantic import BaseModel

from chainshock.errors import NotFoundError
from chainshock.graph.project import evidence_by_subject, supply_flow_graph
from chainshock.graph.snapshot import Snapshot

__all__ = ["PathHop", "PathsResult", "SupplyPath", "supply_paths"]


class PathHop(BaseModel):
    id: str
    type: str
    source: str
    target: str
    traversed: str  # "forward" or "backward" (USES runs buyer -> product)
    properties: dict[str, Any]
    evidence: list[dict[str, Any]]


class SupplyPath(BaseModel):
    nodes: list[str]
    names: list[str]
    edges: list[PathHop]


class PathsResult(BaseModel):
    source: str
    target: str
    max_hops: int
    paths: list[SupplyPath]


def supply_paths(
    snapshot: Snapshot, source: str, target: str, max_hops: int = 4, limit: int = 10
) -> PathsResult:
    """Up to ``limit`` shortest supply paths from ``source`` to ``target``.

    Parameters
    ----------
    snapshot : Snapshot
    source, target : str
        Node ids (resolve names first with :func:`chainshock.graph.lookup.resolve_node`).
    max_hops : int
        Longest path, in edges.
    limit : int
        Most paths returned, shortest first.

    Raises
    ------
    NotFoundError
        When no supply path of at most ``max_hops`` edges exists.
    """
    g = supply_flow_graph(snapshot)
    for node in (source, target):
        if node not in g:
            raise NotFoundError(f"{node} is not a company or product in the supply graph")
    evidence = evidence_by_subject(snapshot)
    edges = {row.id: row for row in snapshot.edges.itertuples(index=False)}
    names = dict(zip(snapshot.nodes["id"], snapshot.nodes["name"], strict=True))
    found: list[SupplyPath] = []
    try:
        simple = nx.shortest_simple_paths(g, source, target)
        for nodes in itertools.islice(simple, 5 * limit):
            if len(nodes) - 1 > max_hops:
                break
            hops = []
            for u, v in itertools.pairwise(nodes):
                # the best-documented stored edge stands for the arc
                candidates = sorted(
                    g[u][v]["edges"], key=lambda item: (-len(evidence.get(item[0], [])), item[0])
                )
                edge_id, reverse = candidates[0]
                row = edges[edge_id]
                hops.append(
                    PathHop(
                        id=edge_id,
                        type=row.type,
                        source=row.source,
                        target=row.target,
                        traversed="backward" if reverse else "forward",
                        properties=json.loads(row.properties),
                        evidence=evidence.get(edge_id, []),
                    )
                )
            found.append(SupplyPath(nodes=list(nodes), names=[names[n] for n in nodes], edges=hops))
            if len(found) >= limit:
                break
    except nx.NetworkXNoPath:
        pass
    if not found:
        raise NotFoundError(
            f"no supply path from {source} to {target} within {max_hops} hops; try --max-hops {max_hops + 2}"
        )
    return PathsResult(source=source, target=target, max_hops=max_hops, paths=found)
