"""The build: every loader's records, merged, validated, written as the snapshot.

This is shell wiring (loaders → :mod:`chainshock.graph.merge` → validate →
:func:`~chainshock.graph.snapshot.write_snapshot`); the pure merge functions
live in ``graph/`` and the loaders in ``loaders/``, neither of which knows the
other. The build is all-or-nothing: records are gathered and validated in memory
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
from chainshock.graph.merge import located_in_edges, merge_records
from chainshock.graph.schema import GraphRecords, Problem
from chainshock.graph.snapshot import records_to_tables, write_snapshot
from chainshock.graph.validate import validate_graph
from chainshock.loaders.curated import load_curated

__all__ = ["BuildResult", "build", "gather", "input_hashes"]

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    """What a build wrote and what it skipped."""

    path: Path
    counts: dict[str, int]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    content_hash: str = ""


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
    report = progress or (lambda stage, done, total: None)
    report("curated data", 0, 1)
    records, where = load_curated(data_dir)
    report("curated data", 1, 1)
    if filings is not None:
        if not Path(filings).is_dir():
            raise DataError(f"--filings {filings} is not a directory (expected an EDGAR layout: companyfacts/, submissions/, filings/)")
        # imported here: the EDGAR loader pulls in lxml (and the embedding model
        # when installed), which a build from curated data alone does not need
        from chainshock.loaders.edgar import load_filings

        extra = load_filings(Path(filings), records, progress=progress)
        records = merge_records(records, extra)
    records.edges.extend(located_in_edges(records))
    return records, where


def _problem_summary(problems: list[Problem]) -> str:
    first = str(problems[0])
    more = f" (and {len(problems) - 1} more problem(s); fix this one and rebuild)" if len(problems) > 1 else ""
    return first + more


def _strict(tables: dict[str, Any], where: dict[str, str]) -> None:
    from chainshock.graph.audit import audit_tables, consistency_problems

    issues = consistency_problems(tables)
    audit = audit_tables(tables)
    issues += [
        f"{where.get(a.id, '')}{': ' if a.id in where else ''}{a.id}: {'; '.join(a.problems)}"
        for a in audit.edges
        if a.status == "unsupported" or a.problems
    ]
    if issues:
        more = f" (and {len(issues) - 1} more; run `chainshock audit` for the list)" if len(issues) > 1 else ""
        raise DataError(f"--strict: {issues[0]}{more}")


def build(
    out: Path,
    data_dir: Path,
    filings: Path | None = None,
    progress: Progress | None = None,
    extra_manifest: dict[str, Any] | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build and write a snapshot at ``out``; nothing is written on any error.

    With ``strict``, also refuse an edge no quote proves that is not marked
    inferred (see :mod:`chainshock.graph.audit`), and contradictory figures.
    """
    report = progress or (lambda stage, done, total: None)
    records, where = gather(data_dir, filings, progress)
    report("checking the graph", 0, 1)
    problems = validate_graph(records, where)
    if problems:
        raise DataError(_problem_summary(problems))
    tables = records_to_tables(records)
    if strict:
        _strict(tables, where)
    report("checking the graph", 1, 1)
    report("writing the snapshot", 0, 1)
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
