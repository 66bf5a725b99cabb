"""The loader's working state: what the readers found, before it becomes records.

:class:`_State` collects, file by file, the filers, filings, observations,
relations and texts that :mod:`.read` parses; :mod:`.assemble` turns it into
graph records. Also here: the load's one resolver and each filer's fiscal
calendar, which both halves use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainshock.graph.resolve import Embedder, Entry, Resolver
from chainshock.graph.schema import Company, GraphRecords

from .fiscal import FiscalCalendar
from .observations import FilingMeta, Observation
from .relations import Relation
from .sections import Section
from .submissions import FilerInfo

Progress = Callable[[str, int, int], None]


@dataclass
class _Doc:
    path: Path
    cik: str
    accession: str
    form: str | None = None
    filed: dt.date | None = None
    report_date: dt.date | None = None
    name: str | None = None
    fy: int | None = None
    fye: str | None = None


@dataclass
class _State:
    known: GraphRecords
    skipped: list[tuple[str, str]] = field(default_factory=list)
    filers: dict[str, FilerInfo] = field(default_factory=dict)
    facts_docs: dict[str, Any] = field(default_factory=dict)  # cik -> CompanyFacts
    filings: dict[str, FilingMeta] = field(default_factory=dict)  # accession -> meta
    docs: dict[str, _Doc] = field(default_factory=dict)  # accession -> primary document
    observations: list[Observation] = field(default_factory=list)
    anchors: dict[str, list[tuple[dt.date, int]]] = field(default_factory=lambda: defaultdict(list))
    fye: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[_Doc, Relation]] = field(default_factory=list)
    concentrations: list[tuple[_Doc, Any]] = field(default_factory=list)
    resolver: Resolver | None = None
    texts: list[tuple[_Doc, str, list[Section], str]] = field(default_factory=list)  # for the model pass

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append((str(path), reason))


def _resolver(state: _State, embedder: Embedder | None = None) -> Resolver:
    """The load's resolver over ``known`` companies, built once; embeddings switch on for assembly."""
    if state.resolver is None:
        companies = [n for n in state.known.nodes if isinstance(n, Company)]
        entries = [Entry(c.id, c.name, (*c.aliases, *([c.ticker] if c.ticker else ())), c.resolved) for c in companies]
        state.resolver = Resolver(entries, embedder=None)
    resolver = state.resolver
    if embedder is not None and resolver.embedder is None:
        resolver.set_embedder(embedder)
    return resolver


def state_is_company(state: _State) -> Callable[[str], bool]:
    def is_company(name: str) -> bool:
        return _resolver(state).lookup(name) is not None

    return is_company


def _calendar(state: _State, cik: str) -> FiscalCalendar:
    """A filer's calendar: its fiscal year end, calibrated on its filings' own labels."""
    base = FiscalCalendar.from_month_day(state.fye.get(cik) or _fye_from_anchors(state.anchors.get(cik, [])))
    return base.calibrated(state.anchors.get(cik, []))


def _year_end_for(state: _State, doc: _Doc, fiscal_year: int) -> dt.date:
    cal = _calendar(state, doc.cik)
    if doc.report_date and cal.fiscal_year(doc.report_date) == fiscal_year and doc.form and doc.form.startswith("10-K"):
        return doc.report_date
    return cal.year_end(fiscal_year)


def _fye_from_anchors(anchors: list[tuple[dt.date, int]]) -> str | None:
    if not anchors:
        return None
    # the latest annual period end is the best guide to the nominal year end
    latest = max(anchors)[0]
    return f"{latest.month:02d}{latest.day:02d}"
