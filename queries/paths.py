"""Supply paths between two nodes, with the evidence of every hop.

A path follows money and goods from supplier to buyer: ``SUPPLIES``
(supplier -> buyer), ``PRODUCES`` (producer -> product) and ``USES``
traversed from the product to the buyer that uses it.
"""

from __future__ import annotations

import itertools
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
    evidence: list[dict[str, Any]]  # each with a ``grade`` (filed, primary, secondary, judgement, inferred)
    status: str = "proven"  # proven, inferred or unsupported (chainshock.graph.audit)
    basis: str | None = None  # why an inferred hop is believed


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

    Returns
    -------
    PathsResult
        Each path's nodes, names and hops; a hop is the best-documented
        stored edge for its arc, with its properties and evidence.

    Examples
    --------
    >>> from chainshock.graph.examples import example_snapshot
    >>> result = supply_paths(example_snapshot(), "company:memco", "company:cloudco")
    >>> result.paths[0].names
    ['MemCo', 'HBM', 'ChipCo Technology, Inc.', 'CloudCo']
    >>> [(h.type, h.traversed) for h in result.paths[0].edges]
    [('PRODUCES', 'forward'), ('USES', 'backward'), ('SUPPLIES', 'forward')]

    Raises
    ------
    NotFoundError
        When no supply path of at most ``max_hops`` edges exists.
    """
    from chainshock.graph.audit import audit_tables, evidence_grade

    g = supply_flow_graph(snapshot)
    tables = {name: getattr(snapshot, name) for name in ("nodes", "edges", "evidence", "facts", "sources")}
    audit = audit_tables(tables)
    verdicts = {a.id: a for a in audit.edges}
    infos = audit.source_infos
    for node in (source, target):
        if node not in g:
            raise NotFoundError(f"{node} is not a company or product in the supply graph")
    evidence = evidence_by_subject(snapshot)
    edges = {edge.id: edge for edge in snapshot.edge_records()}
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
                verdict = verdicts.get(edge_id)
                rows = list(evidence.get(edge_id, []))
                if verdict is not None and verdict.proof is not None and verdict.proof < len(rows):
                    # the evidence order of the snapshot matches the audit's; the proving quote comes first
                    rows.insert(0, rows.pop(verdict.proof))
                hops.append(
                    PathHop(
                        id=edge_id,
                        type=row.type,
                        source=row.source,
                        target=row.target,
                        traversed="backward" if reverse else "forward",
                        properties=dict(row.properties),
                        evidence=[
                            {**ev, "grade": evidence_grade(str(ev.get("method") or "curated"), infos.get(ev["source_id"]))}
                            for ev in rows
                        ],
                        status=verdict.status if verdict else "unsupported",
                        basis=verdict.basis if verdict else None,
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
