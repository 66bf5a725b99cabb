"""What the graph view is made of: the :class:`GraphView` document, its colours and shapes, and which nodes it shows.

:func:`~chainshock.viz.view.build_view` fills a :class:`GraphView`;
:mod:`chainshock.viz.view_html` renders it. Here: the legend's groups
(:data:`GROUP_COLORS`, :data:`GROUP_NAMES`, :func:`node_group`), the
edge styles, and :func:`select_nodes` (``--focus/--hops`` and ``--role``); and the plain-data helpers
:func:`~chainshock.viz.view.build_view` reads the snapshot's tables with.
All are re-exported by :mod:`chainshock.viz.view`.

Examples
--------
>>> node_group("Company", ["chip_designer"]), GROUP_NAMES["chip_designer"]
('chip_designer', 'Chip designers')
"""

from __future__ import annotations

from collections import defaultdict, deque, namedtuple
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainshock.errors import NotFoundError
from chainshock.graph.schema import TIERS, Role, tier_of

if TYPE_CHECKING:
    from chainshock.graph.snapshot import Snapshot

__all__ = [
    "EDGE_STYLE",
    "GROUP_COLORS",
    "GROUP_NAMES",
    "GROUP_SHAPES",
    "SHAPES",
    "GraphView",
    "node_group",
    "select_nodes",
]

# Colour by role (companies) or label (everything else). Chosen for
# contrast on white and to keep neighbouring tiers apart.
GROUP_COLORS: dict[str, str] = {
    "memory_producer": "#d62728",
    "foundry": "#ff7f0e",
    "packaging": "#e6a817",
    "chip_designer": "#2ca02c",
    "server_maker": "#17becf",
    "hyperscaler": "#1f77b4",
    "neocloud": "#6baed6",
    "industrial": "#8c564b",
    "utility": "#bcbd22",
    "software": "#9467bd",
    "ai_lab": "#c5b0d5",
    "device_maker": "#e377c2",
    "consumer_segment": "#7f7f7f",
    "product": "#a6a6a6",
    "contract": "#ff9896",
    "index": "#393b79",
    "country": "#c7c7c7",
    "other": "#bdbdbd",
}
GROUP_NAMES: dict[str, str] = {
    "memory_producer": "Memory producers",
    "foundry": "Foundries",
    "packaging": "Packaging",
    "chip_designer": "Chip designers",
    "server_maker": "Server makers",
    "hyperscaler": "Hyperscalers",
    "neocloud": "Neoclouds",
    "industrial": "Industrials",
    "utility": "Utilities",
    "software": "Software",
    "ai_lab": "AI labs",
    "device_maker": "Device makers",
    "consumer_segment": "Consumer segments",
    "product": "Products",
    "contract": "Contracts and PPAs",
    "index": "Indexes",
    "country": "Countries",
    "other": "Other",
}
SHAPES = {
    "Company": "dot",
    "Product": "square",
    "Contract": "diamond",
    "Index": "triangle",
    "Country": "hexagon",
}
GROUP_SHAPES = {"product": "square", "contract": "diamond", "index": "triangle", "country": "hexagon"}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "SUPPLIES": {"color": "#4a6fa5"},
    "USES": {"color": "#7a9cc6"},
    "PRODUCES": {"color": "#9e9e9e"},
    "PARTY_TO": {"color": "#e6550d", "dashes": True},
    "COVERS": {"color": "#e6550d", "dashes": True},
    "CONSTITUENT_OF": {"color": "#393b79", "dashes": [2, 6]},
    "INVESTS_IN": {"color": "#31a354"},
    "PARTNERS_WITH": {"color": "#9e9ac8", "dashes": True},
    "LOCATED_IN": {"color": "#d9d9d9"},
}


@dataclass
class GraphView:
    """Everything the page needs, as JSON-ready Python data."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    headers: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    story: dict[str, Any] = field(default_factory=dict)

    @property
    def group_styles(self) -> list[tuple[str, str, str]]:
        """(group, colour, shape) for every group in the legend."""
        return [(g["group"], g["color"], g["shape"]) for g in self.legend]

    def counts(self) -> dict[str, Any]:
        """What the page draws at load, and what waits behind the legend's toggles.

        An edge is drawn when both its ends are; a hidden group hides its
        nodes and every edge that touches them.

        Returns
        -------
        dict
            ``nodes``, ``edges``: drawn at load; ``hidden_nodes``,
            ``hidden_edges``: behind the toggles; ``hidden_groups``: legend
            name -> node count, for the groups that start hidden.

        Examples
        --------
        >>> v = GraphView("t", nodes=[{"id": "a", "group": "product"}, {"id": "c", "group": "country"}],
        ...               edges=[{"from": "a", "to": "c"}], headers=[],
        ...               legend=[{"group": "country", "name": "Countries", "count": 1, "hidden": True}])
        >>> v.counts()
        {'nodes': 1, 'edges': 0, 'hidden_nodes': 1, 'hidden_edges': 1, 'hidden_groups': {'Countries': 1}}
        """
        hidden = {g["group"] for g in self.legend if g.get("hidden")}
        off = {n["id"] for n in self.nodes if n["group"] in hidden}
        hidden_edges = sum(1 for e in self.edges if e["from"] in off or e["to"] in off)
        return {
            "nodes": len(self.nodes) - len(off),
            "edges": len(self.edges) - hidden_edges,
            "hidden_nodes": len(off),
            "hidden_edges": hidden_edges,
            "hidden_groups": {g["name"]: g["count"] for g in self.legend if g.get("hidden")},
        }

    def counts_line(self) -> str:
        """One sentence for the page header and the CLI: drawn, then hidden.

        >>> v = GraphView("t", nodes=[{"id": "a", "group": "product"}, {"id": "c", "group": "country"}],
        ...               edges=[{"from": "a", "to": "c"}], headers=[],
        ...               legend=[{"group": "country", "name": "Countries", "count": 1, "hidden": True}])
        >>> v.counts_line()
        '1 node and 0 edges shown; 1 more node and 1 edge behind the legend (Countries 1)'
        """
        c = self.counts()
        line = f"{_plural(c['nodes'], 'node')} and {_plural(c['edges'], 'edge')} shown"
        if c["hidden_nodes"]:
            groups = ", ".join(f"{name} {n}" for name, n in c["hidden_groups"].items())
            line += (
                f"; {c['hidden_nodes']} more {'node' if c['hidden_nodes'] == 1 else 'nodes'} and "
                f"{_plural(c['hidden_edges'], 'edge')} behind the legend ({groups})"
            )
        return line


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def node_group(label: str, roles: Sequence[str]) -> str:
    """The legend group of a node: its most upstream role, or its label.

    >>> node_group("Company", ["device_maker", "memory_producer"])
    'memory_producer'
    >>> node_group("Contract", [])
    'contract'
    """
    if label == "Company":
        known = [r for r in roles if r in Role.__members__]
        if known:
            order = list(Role.__members__)
            tiers = {r: TIERS.index(tier_of("Company", [r])) for r in known}
            return min(known, key=lambda r: (tiers[r], order.index(r)))
        return "other"
    return label.lower() if label.lower() in GROUP_COLORS else "other"


def _undirected(edges: Any) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = defaultdict(set)
    for s, t in zip(edges["source"], edges["target"], strict=True):
        adj[s].add(t)
        adj[t].add(s)
    return adj


def select_nodes(
    snapshot: Snapshot,
    focus: str | None = None,
    hops: int = 2,
    roles: Iterable[str] = (),
) -> list[str]:
    """The ids to show, in the snapshot's order.

    ``focus`` keeps nodes within ``hops`` steps of it (edges taken both
    ways). ``roles`` keeps companies holding one of the roles, plus the
    products, contracts and indexes linked to a kept company.
    """
    nodes = snapshot.nodes
    ids = list(nodes["id"])
    keep = set(ids)
    if focus is not None:
        if focus not in keep:
            raise NotFoundError(f"{focus!r} is not a node in the snapshot")
        if hops < 0:
            raise NotFoundError("--hops must be 0 or more")
        adj = _undirected(snapshot.edges)
        seen = {focus}
        frontier: deque[tuple[str, int]] = deque([(focus, 0)])
        while frontier:
            node, depth = frontier.popleft()
            if depth == hops:
                continue
            for nxt in adj.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append((nxt, depth + 1))
        keep &= seen
    wanted = set(roles)
    if wanted:
        unknown = wanted - set(Role.__members__)
        if unknown:
            raise NotFoundError(
                f"unknown role {sorted(unknown)[0]!r}; choose from {', '.join(Role.__members__)}"
            )
        companies = {
            row.id
            for row in nodes.itertuples(index=False)
            if row.label == "Company" and wanted & set(row.roles) and row.id in keep
        }
        adj = _undirected(snapshot.edges)
        linked = {n for c in companies for n in adj.get(c, ())}
        label = dict(zip(nodes["id"], nodes["label"], strict=True))
        keep = companies | {n for n in linked & keep if label[n] != "Company"}
        if focus is not None and focus in set(ids):
            keep.add(focus)
    return [i for i in ids if i in keep]


# Plain-data helpers build_view reads the snapshot's tables with.


def _tuples(frame: Any, columns: Sequence[str]) -> list[Any]:
    """Rows as namedtuples of plain Python values (missing columns are None).

    Columns are converted whole (``tolist``), which is many times faster
    than ``itertuples`` over Arrow-backed strings; NaN becomes None.
    """
    Row = namedtuple("Row", columns)  # type: ignore[misc]
    n = len(frame)
    cols = []
    for c in columns:
        if c not in frame.columns:
            cols.append([None] * n)
            continue
        values = frame[c].tolist()
        cols.append([None if isinstance(v, float) and v != v else v for v in values])
    return [Row(*t) for t in zip(*cols, strict=True)] if n else []


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as dicts with pandas' NaN/NaT turned into None (JSON has no NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _estimate(value: Any) -> dict[str, Any] | None:
    """An Estimate dict (or a bare number) as {low, base, high, basis, estimate}."""
    if isinstance(value, Mapping) and "base" in value:
        return {
            "low": value.get("low"),
            "base": value.get("base"),
            "high": value.get("high"),
            "basis": value.get("basis", ""),
            "estimate": bool(value.get("estimate", True)),
        }
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"low": value, "base": value, "high": value, "basis": "", "estimate": False}
    return None


def _text(value: Any, limit: int = 600) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
