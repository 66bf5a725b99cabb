"""Assemble records from every loader, validate them, and write the snapshot.

The build is all-or-nothing: records are gathered and validated in memory
first, and :func:`~chainshock.graph.snapshot.write_snapshot` swaps the new
snapshot in atomically only after every check has passed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainshock.errors import DataError

from .schema import Company, Edge, EdgeType, Evidence, Fact, GraphRecords, Problem, validate_graph
from .snapshot import records_to_tables, write_snapshot

__all__ = ["BuildResult", "build", "gather", "input_hashes", "merge_records"]

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    """What a build wrote and what it skipped."""

    path: Path
    counts: dict[str, int]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    content_hash: str = ""


def merge_records(base: GraphRecords, extra: GraphRecords) -> GraphRecords:
    """Merge ``extra`` into ``base`` without duplicates.

    A node or source already in ``base`` wins, and a filing ``extra`` cites
    under another id but the same accession becomes ``base``'s source; an
    edge whose id is already present keeps ``base``'s properties and gains
    ``extra``'s evidence, so a curated relationship confirmed by a filing
    shows both.
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


def _located_in(records: GraphRecords) -> list[Edge]:
    """LOCATED_IN edges from companies' ``country``, unless the data has them."""
    explicit = {(e.source, e.target) for e in records.edges if e.type == EdgeType.LOCATED_IN}
    countries = {n.id for n in records.nodes if n.label == "Country"}
    out = []
    for node in records.nodes:
        if isinstance(node, Company) and node.country in countries and node.evidence:
            key = (node.id, node.country)
            if key not in explicit:
                out.append(
                    Edge(
                        id=f"located_in:{node.id}->{node.country}",
                        type=EdgeType.LOCATED_IN,
                        source=node.id,
                        target=str(node.country),
                        evidence=node.evidence[:1],
                    )
                )
    return out


def input_hashes(paths: list[Path], root: Path) -> dict[str, str]:
    """sha256 of each input file, keyed by its path relative to ``root``."""
    out = {}
    for p in sorted(paths):
        try:
            rel = str(p.relative_to(root))
        except ValueError:
            rel = str(p)
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def gather(
    data_dir: Path,
    filings: Path | None = None,
    progress: Progress | None = None,
) -> tuple[GraphRecords, dict[str, str]]:
    """Load curated data and (optionally) filings into one set of records."""
    from chainshock.loaders.curated import load_curated

    report = progress or (lambda stage, done, total: None)
    report("curated data", 0, 1)
    records, where = load_curated(data_dir)
    report("curated data", 1, 1)
    if filings is not None:
        if not Path(filings).is_dir():
            raise DataError(f"--filings {filings} is not a directory (expected an EDGAR layout: companyfacts/, submissions/, filings/)")
        from chainshock.loaders.edgar import load_filings

        extra = load_filings(Path(filings), records, progress=progress)
        records = merge_records(records, extra)
    records.edges.extend(_located_in(records))
    return records, where


def _problem_summary(problems: list[Problem]) -> str:
    first = str(problems[0])
    more = f" (and {len(problems) - 1} more problem(s); fix this one and rebuild)" if len(problems) > 1 else ""
    return first + more


def build(
    out: Path,
    data_dir: Path,
    filings: Path | None = None,
    progress: Progress | None = None,
    extra_manifest: dict[str, Any] | None = None,
) -> BuildResult:
    """Build and write a snapshot at ``out``; nothing is written on any error."""
    report = progress or (lambda stage, done, total: None)
    records, where = gather(data_dir, filings, progress)
    report("checking the graph", 0, 1)
    problems = validate_graph(records, where)
    if problems:
        raise DataError(_problem_summary(problems))
    report("checking the graph", 1, 1)
    report("writing the snapshot", 0, 1)
    tables = records_to_tables(records)
    inputs_list = sorted(p for p in Path(data_dir).rglob("*") if p.suffix in (".yaml", ".yml", ".csv"))
    inputs = input_hashes(inputs_list, Path(data_dir))
    if filings is not None:
        inputs.update(
            {
                f"filings/{k}": v
                for k, v in input_hashes([p for p in Path(filings).rglob("*") if p.is_file()], Path(filings)).items()
            }
        )
    final = write_snapshot(tables, out, inputs=inputs, extra=extra_manifest)
    report("writing the snapshot", 1, 1)
    counts = {name: len(frame) for name, frame in tables.items()}
    return BuildResult(
        path=final,
        counts=counts,
        skipped=sorted(records.skipped),
        content_hash=final.name,
    )
