"""The common currency of the EDGAR loader: one reported value, before picking.

Every parser (companyfacts JSON, inline XBRL, text) yields
:class:`Observation` rows; :mod:`.picking` turns them into one
:class:`~chainshock.graph.schema.Fact` per company, metric and period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["FilingMeta", "Observation", "parse_date"]


def parse_date(value: object) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (or a longer ISO timestamp); None when absent or malformed.

    >>> parse_date("2025-01-26"), parse_date("2025-01-26T00:00:00.000Z"), parse_date("x")
    (datetime.date(2025, 1, 26), datetime.date(2025, 1, 26), None)
    """
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, order=True)
class Observation:
    """One value of one metric for one period, as a single source reports it."""

    cik: str  # 10 digits
    metric: str
    end: dt.date
    start: dt.date | None
    value: float
    accession: str
    concept: str
    method: str  # "xbrl" or "text"
    locator: str
    quote: str
    form: str | None = None
    filed: dt.date | None = None
    fy: int | None = None  # DocumentFiscalYearFocus of the reporting filing
    fp: str | None = None
    unit: str = "USD"
    duration: str | None = None  # "year"/"quarter" when ``start`` is unknown (text facts)


@dataclass(frozen=True)
class FilingMeta:
    """What is known about one filing (accession) from any of the inputs."""

    accession: str
    cik: str
    form: str | None = None
    filed: dt.date | None = None
    report_date: dt.date | None = None
    primary_document: str | None = None
    company_name: str | None = None
    fy: int | None = None
    fp: str | None = None
