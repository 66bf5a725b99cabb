"""Graph-wide checks over the records of :mod:`chainshock.graph.schema`: what would make the graph lie.

:func:`validate_graph` runs before every build writes a snapshot (one
:class:`~chainshock.graph.schema.Problem` per finding, with ``file:line``
when known); :func:`implied_revenue_problems` compares a producer's market
shares with the revenue it reports. Both are also importable from
``chainshock.graph.schema``, where they lived before.

Examples
--------
>>> from chainshock.graph.examples import example_records
>>> validate_graph(example_records())
[]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .schema import (
    Estimate,
    Evidence,
    Fact,
    GraphRecords,
    Problem,
    Product,
)

__all__ = ["implied_revenue_problems", "validate_graph"]


_UNIT_INTERVAL_KEYS = ("cost_share", "revenue_share", "market_share", "fixed_share", "weight")
_ENDPOINT_LABELS: dict[str, tuple[set[str], set[str]]] = {
    "SUPPLIES": ({"Company"}, {"Company"}),
    "PRODUCES": ({"Company"}, {"Product"}),
    "USES": ({"Company"}, {"Product"}),
    "PARTY_TO": ({"Company"}, {"Contract"}),
    "COVERS": ({"Contract"}, {"Product"}),
    "CONSTITUENT_OF": ({"Company"}, {"Index"}),
    "LOCATED_IN": ({"Company"}, {"Country"}),
    "INVESTS_IN": ({"Company"}, {"Company"}),
    "PARTNERS_WITH": ({"Company"}, {"Company"}),
}


def validate_graph(records: GraphRecords, where: dict[str, str] | None = None) -> list[Problem]:
    """Find the mistakes that would make the graph lie.

    Checks: duplicate ids; an edge to a missing node or between the wrong
    labels; an estimate outside [0, 1] where it is a share; a buyer whose
    input cost shares add up to more than 1; an index whose weights exceed
    100%; an edge or fact with no evidence, or evidence naming an unknown
    source.

    Parameters
    ----------
    records : GraphRecords
    where : dict, optional
        ``record id -> "file:line"`` so problems point at the data file.

    Returns
    -------
    list of Problem
        Empty when the graph is consistent.

    Examples
    --------
    >>> from chainshock.graph.examples import example_records
    >>> records = example_records()
    >>> validate_graph(records)
    []
    >>> records.edges[1] = records.edges[1].model_copy(update={"evidence": ()})
    >>> [str(p) for p in validate_graph(records, {"uses:company:chipco->product:hbm": "edges/x.yaml:7"})]
    ['edges/x.yaml:7: uses:company:chipco->product:hbm: has no evidence (every edge and fact needs a source)']
    """
    where = where or {}
    problems: list[Problem] = []

    def report(subject: str, message: str) -> None:
        problems.append(Problem(subject=subject, message=message, where=where.get(subject)))

    labels: dict[str, str] = {}
    for node in records.nodes:
        if node.id in labels:
            report(node.id, "duplicate node id")
        labels[node.id] = node.label
    source_ids = {s.id for s in records.sources}
    seen_sources: set[str] = set()
    for s in records.sources:
        if s.id in seen_sources:
            report(s.id, "duplicate source id")
        seen_sources.add(s.id)

    def check_evidence(subject: str, evidence: Iterable[Evidence]) -> None:
        evidence = list(evidence)
        if not evidence:
            report(subject, "has no evidence (every edge and fact needs a source)")
        for ev in evidence:
            if ev.source_id not in source_ids:
                report(subject, f"evidence names unknown source {ev.source_id!r}")

    cost_in: dict[str, float] = defaultdict(float)
    market_in: dict[str, float] = defaultdict(float)
    index_weight: dict[str, float] = defaultdict(float)
    seen_edges: set[str] = set()
    for edge in records.edges:
        if edge.id in seen_edges:
            report(edge.id, "duplicate edge id")
        seen_edges.add(edge.id)
        for end, role in ((edge.source, "source"), (edge.target, "target")):
            if end not in labels:
                report(edge.id, f"{role} {end!r} is not a node in the graph")
        allowed = _ENDPOINT_LABELS[str(edge.type)]
        if edge.source in labels and labels[edge.source] not in allowed[0]:
            report(edge.id, f"{edge.type} cannot start at a {labels[edge.source]}")
        if edge.target in labels and labels[edge.target] not in allowed[1]:
            report(edge.id, f"{edge.type} cannot end at a {labels[edge.target]}")
        for key in _UNIT_INTERVAL_KEYS:
            try:
                est = edge.estimate(key)
            except ValueError as err:
                report(edge.id, f"{key}: {err}")
                continue
            if est is not None and not est.within(0.0, 1.0):
                report(edge.id, f"{key} must lie in [0, 1], got {est.low}..{est.high}")
        product = edge.properties.get("product")
        if product is not None and product not in labels:
            report(edge.id, f"product {product!r} is not a node in the graph")
        share = edge.estimate("cost_share")
        if edge.type in ("SUPPLIES", "USES") and share is not None:
            cost_in[edge.target if edge.type == "SUPPLIES" else edge.source] += share.base
        if edge.type == "PRODUCES":
            market = edge.estimate("market_share")
            if market is not None:
                market_in[edge.target] += market.base
        if edge.properties.get("inferred") and len(str(edge.properties.get("basis") or "").strip()) < 10:
            report(edge.id, "inferred: true needs a basis (the rule and the cited inputs it rests on)")
        if edge.type == "USES" and share is None:
            report(edge.id, "USES needs a cost_share")
        if edge.type == "CONSTITUENT_OF":
            weight = edge.estimate("weight")
            if weight is None:
                report(edge.id, "CONSTITUENT_OF needs a weight")
            else:
                index_weight[edge.target] += weight.base
        check_evidence(edge.id, edge.evidence)

    for buyer, total in sorted(cost_in.items()):
        if total > 1.0 + 1e-9:
            report(buyer, f"input cost shares add up to {total:.3f} > 1")
    for product, total in sorted(market_in.items()):
        if total > 1.0 + 1e-6:
            report(product, f"producers' market shares add up to {total:.1%} > 100%")
    for index, total in sorted(index_weight.items()):
        if total > 1.0 + 1e-9:
            report(index, f"constituent weights add up to {total:.1%} > 100%")

    seen_facts: set[str] = set()
    for fact in records.facts:
        if fact.id in seen_facts:
            report(fact.id, "duplicate fact id")
        seen_facts.add(fact.id)
        if fact.company not in labels:
            report(fact.id, f"company {fact.company!r} is not a node in the graph")
        if fact.source_id not in source_ids:
            report(fact.id, f"names unknown source {fact.source_id!r}")
        check_evidence(fact.id, fact.evidence)
    problems.extend(implied_revenue_problems(records, where))
    return problems


def implied_revenue_problems(records: GraphRecords, where: dict[str, str] | None = None) -> list[Problem]:
    """A producer whose market shares imply more product revenue than it reports, even at the low ends.

    Implied revenue = Σ market_share × market_size over the products with a
    market size; it is compared with the latest annual USD ``revenue`` fact.
    Catches markets that overlap (HBM counted inside DRAM).

    >>> import datetime as dt
    >>> from chainshock.graph.schema import Company, Edge, Estimate, Fact, GraphRecords, Product
    >>> records = GraphRecords(
    ...     nodes=[Company(id="company:a", name="A", roles=("memory_producer",)),
    ...            Product(id="product:x", name="X", category="dram", market_size_usd=Estimate(low=10, base=10, high=10, basis="demo"))],
    ...     edges=[Edge(id="e", type="PRODUCES", source="company:a", target="product:x",
    ...                 properties={"market_share": {"low": 0.8, "base": 0.8, "high": 0.8, "basis": "demo"}})],
    ...     facts=[Fact(id="f", company="company:a", metric="revenue", fiscal_year=2025,
    ...                 period_end=dt.date(2025, 12, 31), value=5.0, source_id="s")])
    >>> [p.message for p in implied_revenue_problems(records)]
    ['market shares imply product revenue of at least 8 USD a year, above its reported revenue of 5 USD (FY2025): are two markets overlapping?']
    """
    where = where or {}
    sizes = {n.id: n.market_size_usd for n in records.nodes if isinstance(n, Product) and n.market_size_usd is not None}
    revenue: dict[str, Fact] = {}
    for f in records.facts:
        if (
            f.metric == "revenue"
            and f.unit == "USD"
            and f.fiscal_period == "FY"
            and (f.company not in revenue or f.period_end > revenue[f.company].period_end)
        ):
            revenue[f.company] = f
    implied: dict[str, float] = {}
    for e in records.edges:
        size = sizes.get(e.target)
        share = e.properties.get("market_share") if e.type == "PRODUCES" else None
        if size is None or share is None:
            continue
        low = share.low if isinstance(share, Estimate) else float(share.get("low", share.get("base", 0)))
        implied[e.source] = implied.get(e.source, 0.0) + low * size.low
    out = []
    for company, value in sorted(implied.items()):
        fact = revenue.get(company)
        if fact is not None and value > fact.value * (1 + 1e-9):
            out.append(Problem(
                subject=company,
                message=(f"market shares imply product revenue of at least {value:,.0f} USD a year, above its "
                         f"reported revenue of {fact.value:,.0f} USD (FY{fact.fiscal_year}): are two markets overlapping?"),
                where=where.get(company),
            ))
    return out
