"""Merge records from several sources into one graph, without duplicates.

Pure functions over :class:`~chainshock.graph.schema.GraphRecords`: no files,
no loaders. The build (:mod:`chainshock.build`) reads each source with its
loader and hands the records here; whatever this module returns is what gets
validated and written.
"""

from __future__ import annotations

from .schema import Company, Edge, EdgeType, Evidence, Fact, GraphRecords

__all__ = ["located_in_edges", "merge_records"]


def merge_records(base: GraphRecords, extra: GraphRecords) -> GraphRecords:
    """Merge ``extra`` into ``base`` without duplicates.

    A node or source already in ``base`` wins, and a filing ``extra`` cites
    under another id but the same accession becomes ``base``'s source; an
    edge whose id is already present keeps ``base``'s properties and gains
    ``extra``'s evidence, so a curated relationship confirmed by a filing
    shows both.

    Parameters
    ----------
    base : GraphRecords
        The records that win a tie (the curated data).
    extra : GraphRecords
        Records from another source (filings).

    Returns
    -------
    GraphRecords
        A new set of records; neither input is changed.

    Examples
    --------
    >>> from chainshock.graph.examples import example_records
    >>> base = example_records()
    >>> filed = example_records()
    >>> filed.edges = [e.model_copy(update={"evidence": (e.evidence[0].model_copy(update={"quote": "as filed"}),)})
    ...                for e in filed.edges[:1]]
    >>> merged = merge_records(base, filed)
    >>> len(merged.nodes) == len(base.nodes), [ev.quote for ev in merged.edges[0].evidence]
    (True, ['MemCo makes HBM', 'as filed'])
    """
    extra = _same_documents(base, extra)
    merged = GraphRecords(
        nodes=list(base.nodes),
        edges=list(base.edges),
        facts=list(base.facts),
        sources=list(base.sources),
        skipped=list(base.skipped) + list(extra.skipped),
    )
    node_ids = {n.id for n in merged.nodes}
    merged.nodes.extend(n for n in extra.nodes if n.id not in node_ids)
    source_ids = {s.id for s in merged.sources}
    merged.sources.extend(s for s in extra.sources if s.id not in source_ids)
    position = {e.id: i for i, e in enumerate(merged.edges)}
    for edge in extra.edges:
        if edge.id in position:
            i = position[edge.id]
            old = merged.edges[i]
            seen = {(ev.source_id, ev.locator, ev.quote) for ev in old.evidence}
            new_ev = tuple(ev for ev in edge.evidence if (ev.source_id, ev.locator, ev.quote) not in seen)
            props = {**edge.properties, **old.properties}
            merged.edges[i] = old.model_copy(update={"evidence": old.evidence + new_ev, "properties": props})
        else:
            position[edge.id] = len(merged.edges)
            merged.edges.append(edge)
    merged.facts = _merge_facts(merged.facts, extra.facts)
    return merged


def _same_documents(base: GraphRecords, extra: GraphRecords) -> GraphRecords:
    """Point ``extra``'s citations at ``base``'s source for the same accession."""
    by_accession = {s.accession: s.id for s in base.sources if s.accession}
    rename = {s.id: by_accession[s.accession] for s in extra.sources if s.accession in by_accession and s.id != by_accession[s.accession]}
    if not rename:
        return extra

    def fix(evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        return tuple(
            ev.model_copy(update={"source_id": rename[ev.source_id]}) if ev.source_id in rename else ev
            for ev in evidence
        )

    return GraphRecords(
        nodes=[n.model_copy(update={"evidence": fix(n.evidence)}) for n in extra.nodes],
        edges=[e.model_copy(update={"evidence": fix(e.evidence)}) for e in extra.edges],
        facts=[
            f.model_copy(update={"evidence": fix(f.evidence), "source_id": rename.get(f.source_id, f.source_id)})
            for f in extra.facts
        ],
        sources=[s for s in extra.sources if s.id not in rename],
        skipped=list(extra.skipped),
    )


def _fact_key(fact: Fact) -> tuple[str, str, int | None, str, str]:
    return (fact.company, fact.metric, fact.fiscal_year, fact.fiscal_period, fact.period_end.isoformat())


def _merge_facts(base: list[Fact], extra: list[Fact]) -> list[Fact]:
    """One fact per company, metric and period.

    A value read from a filing replaces a curated copy of the same figure and
    keeps the curated citation as further evidence; a curated fact the filings
    lack stays. Estimates are never replaced by each other silently: a curated
    estimate and a filed value for the same period are both kept.
    """
    filed: dict[tuple[str, str, int | None, str, str], Fact] = {}
    for fact in extra:
        filed.setdefault(_fact_key(fact), fact)
    out: list[Fact] = []
    ids = {f.id for f in extra}
    for fact in base:
        match = filed.get(_fact_key(fact))
        if (
            match is not None
            and fact.estimate is None
            and fact.id not in ids
            and abs(match.value - fact.value) <= 0.5
        ):
            seen = {(ev.source_id, ev.locator, ev.quote) for ev in match.evidence}
            added = tuple(ev for ev in fact.evidence if (ev.source_id, ev.locator, ev.quote) not in seen)
            filed[_fact_key(fact)] = match.model_copy(update={"evidence": match.evidence + added})
            continue
        out.append(fact)
    taken = {f.id for f in out}
    for fact in extra:
        merged = filed.get(_fact_key(fact), fact)
        if merged.id == fact.id and fact.id not in taken:
            out.append(merged if merged is not fact else fact)
            taken.add(fact.id)
    return out


def located_in_edges(records: GraphRecords) -> list[Edge]:
    """LOCATED_IN edges from companies' ``country``, unless the data has them.

    These are marked inferred: the company's evidence is about its business,
    not its location (a cited edge in ``edges/locations.yaml`` replaces one).

    Parameters
    ----------
    records : GraphRecords

    Returns
    -------
    list of Edge
        The edges to add (none already present).

    Examples
    --------
    >>> from chainshock.graph.examples import example_records
    >>> from chainshock.graph.schema import Country
    >>> records = example_records()
    >>> records.nodes.append(Country(id="country:kr", name="South Korea", iso="KR"))
    >>> records.nodes[1] = records.nodes[1].model_copy(update={"country": "country:kr"})
    >>> [e.id for e in located_in_edges(records)]
    ['located_in:company:memco->country:kr']
    """
    explicit = {(e.source, e.target) for e in records.edges if e.type == EdgeType.LOCATED_IN}
    countries = {n.id for n in records.nodes if n.label == "Country"}
    out = []
    for node in records.nodes:
        if isinstance(node, Company) and node.country in countries and node.evidence:
            key = (node.id, node.country)
            if key not in explicit:
                listing = f"listed on {node.exchange} as {node.ticker}" if node.exchange and node.ticker else "no listing recorded"
                out.append(
                    Edge(
                        id=f"located_in:{node.id}->{node.country}",
                        type=EdgeType.LOCATED_IN,
                        source=node.id,
                        target=str(node.country),
                        properties={
                            "inferred": True,
                            "basis": f"the country attribute of {node.name} in companies.yaml ({listing}); "
                            "no cited source states where it is headquartered or incorporated",
                        },
                        evidence=tuple(ev.model_copy(update={"method": "inferred"}) for ev in node.evidence[:1]),
                    )
                )
    return out

