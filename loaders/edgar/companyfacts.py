"""Read an EDGAR companyfacts document (``data.sec.gov/api/xbrl/companyfacts``).

Pure functions over the parsed JSON. Each data point of a concept in a
metric's family becomes an :class:`~.observations.Observation`; the
filings it names become :class:`~.observations.FilingMeta` rows; each
10-K/10-Q's own report period gives a fiscal-year anchor (period end ->
``fy``), which is how the loader labels fiscal years without trusting
``fy`` on comparatives.

Examples
--------
>>> doc = {"cik": 1045810, "entityName": "NVIDIA CORP", "facts": {"us-gaap": {
...     "PaymentsToAcquireProductiveAssets": {"units": {"USD": [
...         {"start": "2024-01-29", "end": "2025-01-26", "val": 3236000000,
...          "accn": "0001045810-25-000023", "fy": 2025, "fp": "FY", "form": "10-K",
...          "filed": "2025-02-26"}]}}}}}
>>> parsed = parse_companyfacts(doc)
>>> parsed.observations[0].metric, parsed.observations[0].value, parsed.anchors
('capex', 3236000000.0, [(datetime.date(2025, 1, 26), 2025)])
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .concepts import CONCEPT_METRIC
from .observations import FilingMeta, Observation, parse_date

__all__ = ["PERIODIC_FORMS", "CompanyFacts", "parse_companyfacts"]

PERIODIC_FORMS = frozenset({"10-K", "10-Q", "10-K/A", "10-Q/A", "10-KT", "20-F", "40-F"})
_TAXONOMIES = ("us-gaap", "ifrs-full")


@dataclass
class CompanyFacts:
    cik: str
    name: str
    observations: list[Observation] = field(default_factory=list)
    filings: dict[str, FilingMeta] = field(default_factory=dict)
    anchors: list[tuple[dt.date, int]] = field(default_factory=list)


def _cik(value: Any) -> str:
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"companyfacts cik is not a number: {value!r}")
    return text.zfill(10)


def parse_companyfacts(doc: Any) -> CompanyFacts:
    """Observations, filings and fiscal-year anchors from a companyfacts document.

    Raises
    ------
    ValueError
        When ``doc`` is not a companyfacts document (no ``cik``/``facts``).
    """
    if not isinstance(doc, dict) or "facts" not in doc or "cik" not in doc:
        raise ValueError("not a companyfacts document (needs 'cik' and 'facts')")
    cik = _cik(doc["cik"])
    out = CompanyFacts(cik=cik, name=str(doc.get("entityName") or ""))
    facts = doc["facts"] if isinstance(doc["facts"], dict) else {}
    # accession -> end date -> count, for the filing's own report period
    ends_by_accn: dict[str, Counter[dt.date]] = defaultdict(Counter)
    meta: dict[str, dict[str, Any]] = {}
    for taxonomy in _TAXONOMIES:
        concepts = facts.get(taxonomy)
        if not isinstance(concepts, dict):
            continue
        for concept, body in concepts.items():
            units = body.get("units") if isinstance(body, dict) else None
            if not isinstance(units, dict):
                continue
            metric = CONCEPT_METRIC.get(concept)
            for unit, points in units.items():
                if not isinstance(points, list):
                    continue
                for p in points:
                    if not isinstance(p, dict):
                        continue
                    accn, end = p.get("accn"), parse_date(p.get("end"))
                    if not isinstance(accn, str) or end is None:
                        continue
                    form = p.get("form") if isinstance(p.get("form"), str) else None
                    fy = p.get("fy") if isinstance(p.get("fy"), int) else None
                    fp = p.get("fp") if isinstance(p.get("fp"), str) else None
                    filed = parse_date(p.get("filed"))
                    if accn not in meta:
                        meta[accn] = {"form": form, "fy": fy, "fp": fp, "filed": filed}
                    ends_by_accn[accn][end] += 1
                    if metric is None or unit != "USD":
                        continue
                    val = p.get("val")
                    if isinstance(val, bool) or not isinstance(val, int | float):
                        continue
                    start = parse_date(p.get("start"))
                    span = f"{start}..{end}" if start else f"instant {end}"
                    out.observations.append(
                        Observation(
                            cik=cik,
                            metric=metric,
                            end=end,
                            start=start,
                            value=float(val),
                            accession=accn,
                            concept=f"{taxonomy}:{concept}",
                            method="xbrl",
                            locator=f"companyfacts {taxonomy}:{concept} {span}",
                            quote=f"{taxonomy}:{concept} = {val:,} {unit} for {span} ({form} {accn})",
                            form=form,
                            filed=filed,
                            fy=fy,
                            fp=fp,
                        )
                    )
    for accn, m in sorted(meta.items()):
        counts = ends_by_accn[accn]
        # The filing's own period: the latest end date carrying a real share of
        # its facts (a stray subsequent-event date must not move it).
        frequent = [d for d, n in counts.items() if n >= max(1, max(counts.values()) // 10)]
        report = max(frequent) if frequent else None
        out.filings[accn] = FilingMeta(
            accession=accn, cik=cik, form=m["form"], filed=m["filed"],
            report_date=report, fy=m["fy"], fp=m["fp"], company_name=out.name or None,
        )
        if report is not None and m["form"] in PERIODIC_FORMS and m["fy"] is not None:
            out.anchors.append((report, m["fy"]))
    out.observations.sort(key=lambda o: (o.metric, o.end, o.start or o.end, o.accession, o.concept))
    out.anchors.sort()
    return out
