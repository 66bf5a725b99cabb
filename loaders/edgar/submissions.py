"""Read an EDGAR submissions document (``data.sec.gov/submissions/CIK##########.json``).

Gives the filer (name, tickers, former names, fiscal year end, SIC code) and
one :class:`~.observations.FilingMeta` per recent filing (form, filing and
report dates, primary document).

Examples
--------
>>> doc = {"cik": "0000789019", "name": "MICROSOFT CORP", "tickers": ["MSFT"], "fiscalYearEnd": "0630",
...        "filings": {"recent": {"accessionNumber": ["0000950170-25-100235"], "form": ["10-K"],
...        "filingDate": ["2025-07-30"], "reportDate": ["2025-06-30"], "primaryDocument": ["msft-20250630.htm"]}}}
>>> info = parse_submissions(doc)
>>> info.name, info.tickers, info.filings["0000950170-25-100235"].form
('MICROSOFT CORP', ('MSFT',), '10-K')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .observations import FilingMeta, parse_date

__all__ = ["FilerInfo", "parse_submissions"]


@dataclass
class FilerInfo:
    cik: str
    name: str
    tickers: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    fiscal_year_end: str | None = None
    sic: str | None = None
    filings: dict[str, FilingMeta] = field(default_factory=dict)


def parse_submissions(doc: Any) -> FilerInfo:
    """The filer and its recent filings.

    Raises
    ------
    ValueError
        When ``doc`` is not a submissions document.
    """
    if not isinstance(doc, dict) or "cik" not in doc or "filings" not in doc:
        raise ValueError("not a submissions document (needs 'cik' and 'filings')")
    cik = str(doc["cik"]).strip()
    if not cik.isdigit():
        raise ValueError(f"submissions cik is not a number: {doc['cik']!r}")
    cik = cik.zfill(10)
    def listed(key: str) -> list[Any]:
        value = doc.get(key)
        return value if isinstance(value, list) else []

    tickers = tuple(t for t in listed("tickers") if isinstance(t, str))
    former = tuple(
        f["name"] for f in listed("formerNames") if isinstance(f, dict) and isinstance(f.get("name"), str)
    )
    info = FilerInfo(
        cik=cik,
        name=str(doc.get("name") or ""),
        tickers=tickers,
        former_names=former,
        fiscal_year_end=doc.get("fiscalYearEnd") if isinstance(doc.get("fiscalYearEnd"), str) else None,
        sic=str(doc.get("sic")) if doc.get("sic") else None,
    )
    filings = doc.get("filings")
    recent = filings.get("recent") if isinstance(filings, dict) else None
    recent = recent if isinstance(recent, dict) else {}
    accessions = recent.get("accessionNumber")
    accessions = accessions if isinstance(accessions, list) else []

    def col(name: str, i: int) -> Any:
        values = recent.get(name)
        return values[i] if isinstance(values, list) and i < len(values) else None

    for i, accn in enumerate(accessions):
        if not isinstance(accn, str):
            continue
        info.filings[accn] = FilingMeta(
            accession=accn,
            cik=cik,
            form=col("form", i),
            filed=parse_date(col("filingDate", i)),
            report_date=parse_date(col("reportDate", i)),
            primary_document=col("primaryDocument", i) or None,
            company_name=info.name or None,
        )
    return info
