"""A four-node chain for the runnable examples in docstrings.

HBM → memory maker → chip designer → cloud, built in memory. The names are
invented and the numbers illustrate the API; they are not data and nothing
but docstrings uses them (the cited dataset is ``data/``). Every edge still
carries evidence and every range a basis, so the records pass
:func:`~chainshock.graph.validate.validate_graph` like real ones.

Examples
--------
>>> snap = example_snapshot()
>>> sorted(snap.node_records())
['company:chipco', 'company:cloudco', 'company:memco', 'product:hbm']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .schema import (
    Company,
    Edge,
    EdgeType,
    Estimate,
    Evidence,
    GraphRecords,
    Product,
    Role,
    Source,
    edge_id,
)
from .snapshot import Snapshot, records_to_tables

__all__ = ["example_records", "example_snapshot"]

_AS_OF = dt.date(2025, 9, 30)


def _ev(quote: str) -> tuple[Evidence, ...]:
    return (Evidence(source_id="src:example", quote=quote, as_of=_AS_OF),)


def _est(low: float, base: float, high: float) -> Estimate:
    return Estimate(low=low, base=base, high=high, basis="illustration for the docs, not data")


def example_records() -> GraphRecords:
    """The example chain as records (validated like any loader's output).

    Returns
    -------
    GraphRecords
        Four nodes, three edges, one source.

    Examples
    --------
    >>> from chainshock.graph.validate import validate_graph
    >>> validate_graph(example_records())
    []
    """
    nodes = [
        Product(id="product:hbm", name="HBM", category="hbm"),
        Company(id="company:memco", name="MemCo", roles=(Role.memory_producer,), ticker="MEMC",
                pass_through=_est(0.6, 0.8, 0.9), evidence=_ev("MemCo makes HBM")),
        Company(id="company:chipco", name="ChipCo Technology, Inc.", roles=(Role.chip_designer,),
                aliases=("ChipCo",), pass_through=_est(0.5, 0.7, 0.9), evidence=_ev("ChipCo designs GPUs")),
        Company(id="company:cloudco", name="CloudCo", roles=(Role.hyperscaler,),
                pass_through=_est(0.2, 0.4, 0.6), evidence=_ev("CloudCo rents GPUs")),
    ]
    edges = [
        Edge(id=edge_id("PRODUCES", "company:memco", "product:hbm"), type=EdgeType.PRODUCES,
             source="company:memco", target="product:hbm",
             properties={"market_share": _est(0.4, 0.5, 0.6)}, evidence=_ev("MemCo makes HBM")),
        Edge(id=edge_id("USES", "company:chipco", "product:hbm"), type=EdgeType.USES,
             source="company:chipco", target="product:hbm",
             properties={"cost_share": _est(0.2, 0.3, 0.4)}, evidence=_ev("HBM is ChipCo's largest input")),
        Edge(id=edge_id("SUPPLIES", "company:chipco", "company:cloudco"), type=EdgeType.SUPPLIES,
             source="company:chipco", target="company:cloudco",
             properties={"cost_share": _est(0.1, 0.2, 0.3)}, evidence=_ev("ChipCo sells GPUs to CloudCo")),
    ]
    source = Source(id="src:example", kind="web", title="chainshock docs: the example chain",
                    url="graph/examples.py")
    return GraphRecords(nodes=nodes, edges=edges, sources=[source])


def example_snapshot() -> Snapshot:
    """The example chain as an opened, in-memory :class:`Snapshot` (no files).

    Returns
    -------
    Snapshot
        With ``path`` set to the current directory and an empty manifest.

    Examples
    --------
    >>> example_snapshot().node("company:chipco").estimate("pass_through").base
    0.7
    """
    return Snapshot(path=Path("."), manifest={}, **records_to_tables(example_records()))
