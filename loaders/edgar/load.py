"""Build graph records from an EDGAR-layout directory: the loader's imperative shell.

:func:`load_filings` walks ``companyfacts/``, ``submissions/`` and
``filings/<cik>/<accession>/<file>``, parses each file with the pure
readers of this package, and returns only what the filings add to the
curated records in ``known``: sources (one per filing), facts (one per
company, metric and fiscal period), relationship edges, new companies and
the list of skipped files with reasons. One bad file never stops the load.

Outputs are sorted, so the same inputs give the same records.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from chainshock.errors import FilingError
from chainshock.graph.resolve import Embedder
from chainshock.graph.schema import GraphRecords

from .assemble import _assemble, archive_url
from .companyfacts import parse_companyfacts
from .read import _ACCESSION, PARSED_FORMS, _primary, _read_document
from .state import Progress, _State
from .submissions import parse_submissions

__all__ = ["PARSED_FORMS", "archive_url", "find_layout", "load_filings"]

_CIK_FILE = re.compile(r"^CIK(\d{10})\.json$")


def find_layout(root: Path) -> Path:
    """The directory holding ``companyfacts/``, ``submissions/`` or ``filings/`` (``root`` or ``root/edgar``).

    Raises
    ------
    FilingError
        When ``root`` is missing or holds none of them.
    """
    if not root.is_dir():
        raise FilingError(f"--filings {root}: no such directory")
    for cand in (root / "edgar", root):
        if any((cand / d).is_dir() for d in ("companyfacts", "submissions", "filings")):
            return cand
    raise FilingError(
        f"--filings {root}: not an EDGAR layout; expected companyfacts/, submissions/ or "
        "filings/<cik>/<accession>/<file> under it (or under its edgar/ folder)"
    )


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def load_filings(
    root: Path,
    known: GraphRecords,
    *,
    progress: Progress | None = None,
    embedder: Embedder | str | None = "default",
    model_relations: bool = False,
) -> GraphRecords:
    """What the filings under ``root`` add to the curated records ``known``.

    Parameters
    ----------
    root : Path
        An EDGAR-layout directory (or its parent holding ``edgar/``).
    known : GraphRecords
        The curated records so far: companies (names, tickers, CIKs,
        aliases), products, edges and sources.
    progress : callable, optional
        ``progress(stage, done, total)``, counting each stage on its own:
        "company data" (files), "filings" (accessions), "matching names and relations".
    embedder : Embedder, None or "default"
        Names the alias table cannot place are matched by this embedder
        ("default": the packaged MiniLM, loaded only if needed; None: off).
    model_relations : bool
        Also classify sentences the rules left alone by embedding similarity
        (:mod:`.relations_model`). Off by default: measured on the shared
        filings it added one evidence row to an edge the rules had.

    Returns
    -------
    GraphRecords
        New sources, facts, edges and companies, and ``skipped`` as
        ``(path, reason)`` for every file not read. Sorted by id.

    Raises
    ------
    FilingError
        When ``root`` is not an EDGAR layout.
    """
    base = find_layout(Path(root))
    state = _State(known=known)
    files = sorted(p for p in base.rglob("*") if p.is_file())
    report = progress or (lambda stage, done, total: None)

    # Company-level JSON first: the documents need their filers' calendars.
    doc_files: dict[tuple[str, str], list[Path]] = defaultdict(list)
    n_company = sum(
        1 for p in files
        if len(p.relative_to(base).parts) == 2 and p.relative_to(base).parts[0] in ("companyfacts", "submissions")
        and _CIK_FILE.match(p.relative_to(base).parts[1])
    )
    done = 0
    for path in files:
        rel = path.relative_to(base).parts
        if len(rel) == 2 and rel[0] in ("companyfacts", "submissions") and _CIK_FILE.match(rel[1]):
            try:
                data = _read_json(path)
                if rel[0] == "companyfacts":
                    cf = parse_companyfacts(data)
                    state.facts_docs[cf.cik] = cf
                    state.observations.extend(cf.observations)
                    state.anchors[cf.cik].extend(cf.anchors)
                    for accn, meta in cf.filings.items():
                        state.filings.setdefault(accn, meta)
                else:
                    info = parse_submissions(data)
                    state.filers[info.cik] = info
                    if info.fiscal_year_end:
                        state.fye[info.cik] = info.fiscal_year_end
                    for accn, meta in info.filings.items():
                        state.filings[accn] = meta  # submissions know forms and primary documents best
            except (ValueError, OSError, RecursionError) as err:
                state.skip(path, f"unreadable {rel[0]} JSON: {str(err)[:160]}")
            done += 1
            report("company data", done, n_company)
        elif len(rel) == 4 and rel[0] == "filings" and rel[1].isdigit() and _ACCESSION.match(rel[2]):
            doc_files[(rel[1].zfill(10), rel[2])].append(path)
        else:
            state.skip(path, "not in the EDGAR layout (companyfacts/CIK##########.json, "
                             "submissions/CIK##########.json or filings/<cik>/<accession>/<file>)")

    # progress counts each stage on its own: files of company data, then filings (one per accession)
    for k, ((cik, accession), paths) in enumerate(sorted(doc_files.items()), 1):
        primary = _primary(paths, state.filings.get(accession))
        for path in paths:
            if path != primary:
                state.skip(path, f"not the primary document of {accession} ({primary.name} was read)")
        try:
            _read_document(state, primary, cik, accession)
        except Exception as err:  # one bad document never stops the build
            state.skip(primary, f"could not parse: {type(err).__name__}: {str(err)[:160]}")
        report("filings", k, len(doc_files))

    return _assemble(state, embedder, report, model_relations)
