"""Checks over a whole dataset that no single edge shows: contradictions, staleness, quotes against filings.

:func:`consistency_problems` (errors a build refuses), :func:`stale_baselines`,
:func:`closed_guidance` and :func:`undated_sources` (warnings ``audit``
prints), :func:`verify_quotes` and :func:`verify_xbrl` (local filings
against the quotes and XBRL values that cite them). Pure functions over
snapshot tables; re-exported by :mod:`chainshock.graph.audit`, which runs
them in :func:`~chainshock.graph.audit.audit_tables`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .quotes import quote_in_text
from .records import decode_json

__all__ = [
    "BASELINE_METRICS",
    "closed_guidance",
    "consistency_problems",
    "stale_baselines",
    "undated_sources",
    "verify_quotes",
    "verify_xbrl",
]


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and v != v) else v


def _cik(value: str | None) -> str | None:
    return str(int(value)) if value and str(value).isdigit() else None


BASELINE_METRICS = ("capex", "capex_guidance", "revenue", "cost_of_revenue", "operating_income")


def consistency_problems(tables: Mapping[str, Any]) -> list[str]:
    """Figures that contradict each other: errors a build refuses.

    - a company's ``cost_base_usd`` (base) above its revenue for the latest
      fiscal year with a filed or cited revenue figure (the period a
      baseline reads);
    - one figure (company, metric, fiscal year, period, period end) recorded with two values.
    """
    problems: list[str] = []
    facts = tables["facts"].to_dict("records")
    revenue: dict[str, tuple[int, float]] = {}
    for f in facts:
        if f["metric"] == "revenue" and f["fiscal_period"] == "FY" and f["unit"] == "USD" and not _none(f.get("estimate")):
            fy = int(f["fiscal_year"]) if _none(f.get("fiscal_year")) is not None else 0
            if f["company"] not in revenue or fy > revenue[f["company"]][0]:
                revenue[f["company"]] = (fy, float(f["value"]))
    for r in tables["nodes"].to_dict("records"):
        if r["label"] != "Company" or r["id"] not in revenue:
            continue
        cost = decode_json(r.get("properties")).get("cost_base_usd")
        fy, rev = revenue[r["id"]]
        if cost and float(cost["base"]) > rev * 1.0001:
            problems.append(
                f"{r['id']}: cost_base_usd {cost['base'] / 1e9:,.1f}B exceeds its FY{fy} revenue {rev / 1e9:,.1f}B"
            )
    values: dict[tuple[Any, ...], set[float]] = {}
    for f in facts:
        key = (f["company"], f["metric"], _none(f.get("fiscal_year")), f["fiscal_period"], str(f["period_end"]), f["unit"])
        values.setdefault(key, set()).add(round(float(f["value"]), 2))
    for key, vals in sorted(values.items(), key=lambda kv: str(kv[0])):
        if len(vals) > 1:
            problems.append(f"{key[0]}: {key[1]} FY{key[2]} {key[3]} has two values: {sorted(vals)}")
    return problems


def stale_baselines(tables: Mapping[str, Any], today: dt.date, months: int = 12) -> list[str]:
    """Warnings: the latest figure a baseline reads (per company and metric) is older than ``months``.

    >>> import pandas as pd
    >>> facts = pd.DataFrame([{"company": "company:a", "metric": "capex", "fiscal_year": 2023,
    ...     "fiscal_period": "FY", "period_end": dt.date(2023, 12, 31), "value": 1.0, "unit": "USD", "estimate": None}])
    >>> stale_baselines({"facts": facts}, dt.date(2026, 1, 1))
    ['company:a: latest capex is as of 2023-12-31 (more than 12 months before 2026-01-01)']
    """
    latest: dict[tuple[str, str], dt.date] = {}
    for f in tables["facts"].to_dict("records"):
        if f["metric"] not in BASELINE_METRICS:
            continue
        end = f["period_end"]
        end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)[:10])
        key = (f["company"], f["metric"])
        if key not in latest or end > latest[key]:
            latest[key] = end
    cutoff = today - dt.timedelta(days=round(months * 365.25 / 12))
    return [
        f"{c}: latest {m} is as of {d.isoformat()} (more than {months} months before {today.isoformat()})"
        for (c, m), d in sorted(latest.items())
        if d < cutoff
    ]


def closed_guidance(tables: Mapping[str, Any], today: dt.date) -> list[str]:
    """Warnings: guidance (a ``*_guidance`` metric) for a period that has already closed.

    >>> import pandas as pd
    >>> facts = pd.DataFrame([{"company": "company:a", "metric": "capex_guidance", "fiscal_year": 2026,
    ...     "period_end": dt.date(2026, 6, 30), "estimate": '{"base": 1.0}'}])
    >>> closed_guidance({"facts": facts}, dt.date(2026, 12, 1))
    ['company:a: capex_guidance FY2026 (period ended 2026-06-30) is still guidance or an estimate; replace it with the filed actual']
    """
    out = []
    for f in tables["facts"].to_dict("records"):
        end = f["period_end"]
        end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)[:10])
        if "guidance" in str(f["metric"]) and end < today:
            fy = _none(f.get("fiscal_year"))
            out.append(
                f"{f['company']}: {f['metric']} FY{fy} (period ended {end.isoformat()}) is still guidance or an "
                "estimate; replace it with the filed actual"
            )
    return sorted(out)


def undated_sources(tables: Mapping[str, Any]) -> list[str]:
    """Sources with neither a publication date (``as_of``) nor a filing date."""
    return [
        f"{r['id']}: source has no date (as_of or filed)"
        for r in tables["sources"].to_dict("records")
        if _none(r.get("as_of")) is None and _none(r.get("filed")) is None
    ]


def verify_quotes(
    tables: Mapping[str, Any], texts: Mapping[str, str]
) -> tuple[int, list[dict[str, str]]]:
    """Check every quote citing a locally held filing against its text.

    Parameters
    ----------
    tables : mapping
        Snapshot tables (``evidence``, ``sources``).
    texts : mapping
        Accession -> the plain text of its documents (concatenated).

    Returns
    -------
    checked : int
        Quotes compared.
    failures : list of dict
        ``subject, source_id, accession, quote`` of each quote not found verbatim.
    """
    accession = {r["id"]: _none(r.get("accession")) for r in tables["sources"].to_dict("records")}
    checked = 0
    failures: list[dict[str, str]] = []
    for ev in tables["evidence"].to_dict("records"):
        acc = accession.get(ev["source_id"])
        quote = str(ev.get("quote") or "")
        if not acc or acc not in texts or not quote or ev.get("method") in ("xbrl", "inferred", "judgement"):
            continue
        checked += 1
        if not quote_in_text(quote, texts[acc]):
            failures.append({"subject": ev["subject_id"], "source_id": ev["source_id"], "accession": acc, "quote": quote})
    return checked, failures


_XBRL_LOCATOR = re.compile(r"(?P<ns>[a-z][a-z0-9-]*):(?P<tag>[A-Z][A-Za-z0-9]+).*?accn (?P<accn>[0-9-]+).*?value (?P<value>-?\d+)")


def verify_xbrl(
    tables: Mapping[str, Any], companyfacts: Mapping[str, Mapping[str, Any]]
) -> tuple[int, list[dict[str, str]]]:
    """Check XBRL citations (``method: xbrl``) against companyfacts records.

    A locator ``"us-gaap:Tag, accn 0001652044-26-000018, ..., value 91447000000"``
    must match a reported value of that tag in that filing.

    Parameters
    ----------
    tables : mapping
        Snapshot tables (``evidence``, ``sources``).
    companyfacts : mapping
        CIK (no leading zeros) -> the SEC companyfacts JSON document.

    Returns
    -------
    checked : int
    failures : list of dict
        ``subject, locator`` of each citation the record does not hold.
    """
    cik_of = {r["id"]: _cik(_none(r.get("cik"))) for r in tables["sources"].to_dict("records")}
    checked = 0
    failures: list[dict[str, str]] = []
    for ev in tables["evidence"].to_dict("records"):
        if ev.get("method") != "xbrl":
            continue
        cik = cik_of.get(ev["source_id"])
        m = _XBRL_LOCATOR.search(str(ev.get("locator") or ""))
        if not cik or cik not in companyfacts or not m:
            continue
        checked += 1
        units = companyfacts[cik].get("facts", {}).get(m["ns"], {}).get(m["tag"], {}).get("units", {})
        found = any(
            row.get("accn") == m["accn"] and float(row.get("val", "nan")) == float(m["value"])
            for rows in units.values()
            for row in rows
        )
        if not found:
            failures.append({"subject": ev["subject_id"], "locator": str(ev["locator"])})
    return checked, failures
