"""Facts lookup for the shock models: revenue, cost bases, operating income.

Everything the dollar ledger and the index valuation read from the
snapshot's ``facts`` table and the companies' curated properties goes
through here, so one question ("what is NVIDIA's revenue?") has one answer
with one source.

- :func:`latest_fact` — the latest annual USD value of a metric, with its
  document;
- :func:`company_bases` — per price node: base annual revenue (companies:
  the revenue fact, products: the market size), cost base, and the
  cost-to-revenue ratio that converts a share of cost into a share of
  revenue (the value-terms coefficient, see :mod:`chainshock.queries.matrices`);
- :func:`operating_income` — the one earnings basis (``operating_income``
  facts only; a company without one is unknown, never substituted).

Examples
--------
>>> import datetime as dt
>>> f = pd.DataFrame({"company": ["c:a", "c:a"], "metric": ["revenue", "operating_income"],
...     "fiscal_year": [2025, 2025], "fiscal_period": ["FY", "FY"],
...     "period_end": [dt.date(2025, 12, 31)] * 2, "value": [10.0, 2.0], "unit": ["USD", "USD"],
...     "source_id": ["s", "s"]})
>>> operating_income(f, pd.DataFrame({"id": []}), "c:a").value
2.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chainshock.graph.records import decode_estimate, decode_json

from .matrices import System

__all__ = [
    "DEFAULT_COST_TO_REVENUE",
    "Bases",
    "FactRef",
    "company_bases",
    "latest_fact",
    "operating_income",
    "props",
    "source_text",
    "triple",
]

# Cost of revenue (the base of curated cost shares) per dollar of revenue, by
# role, when a company has no filed revenue to divide its cost base by.
# chainshock's judgement from the cost bases' own notes in data/companies.yaml
# (e.g. "cost of sales ~86% of ~$6.5B revenue" for packaging, "~94%" for
# contract manufacturers, "well under half" for memory in the 2025 upcycle);
# shown in every run's assumptions and in ``--json`` (``conversions``).
DEFAULT_COST_TO_REVENUE: dict[str, tuple[float, float, float]] = {
    "memory_producer": (0.35, 0.5, 0.65),
    "foundry": (0.35, 0.42, 0.55),
    "packaging": (0.75, 0.84, 0.9),
    "chip_designer": (0.3, 0.45, 0.55),
    "server_maker": (0.85, 0.9, 0.95),
    "device_maker": (0.7, 0.8, 0.86),
    "hyperscaler": (0.4, 0.5, 0.6),
    "neocloud": (0.7, 0.9, 1.2),
    "software": (0.2, 0.35, 0.5),
    "ai_lab": (0.8, 1.2, 2.5),
    "industrial": (0.6, 0.75, 0.86),
    "utility": (0.55, 0.7, 0.85),
}
_FALLBACK_RATIO = (0.5, 0.7, 0.9)


@dataclass(frozen=True)
class FactRef:
    """A value read from the facts table, and where it comes from."""

    value: float
    metric: str
    period_end: str
    source: str
    estimate: tuple[float, float, float] | None = None  # (low, base, high) when the fact is an estimate


def props(text: Any) -> dict[str, Any]:
    """A node's or edge's properties (JSON text or a mapping) as a dict."""
    return decode_json(text)


def triple(value: Any) -> tuple[float, float, float] | None:
    """``(low, base, high)`` from an Estimate dict or a number.

    >>> triple({"low": 1, "base": 2, "high": 3}), triple(4), triple(None)
    ((1.0, 2.0, 3.0), (4.0, 4.0, 4.0), None)
    """
    if (isinstance(value, Mapping) and "base" in value) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    ):
        est = decode_estimate(value)
        return est.triple() if est is not None else None
    return None


def source_text(sources: pd.DataFrame, source_id: str) -> str:
    """``"10-K 0001045810-26-000021"`` for a filing, else its URL, else the id."""
    row = sources[sources["id"] == source_id] if "id" in sources else sources.iloc[0:0]
    if row.empty:
        return source_id
    r = row.iloc[0]
    if isinstance(r.get("accession"), str) and r["accession"]:
        form = r.get("form") if isinstance(r.get("form"), str) else "filing"
        return f"{form} {r['accession']}"
    if isinstance(r.get("url"), str) and r["url"]:
        return str(r["url"])
    return source_id


def latest_fact(facts: pd.DataFrame, sources: pd.DataFrame, company: str, metrics: tuple[str, ...]) -> FactRef | None:
    """The latest annual (else latest) USD value of the first metric a company has.

    >>> import datetime as dt
    >>> f = pd.DataFrame({"company": ["c:a", "c:a"], "metric": ["capex", "capex"], "fiscal_year": [2024, 2025],
    ...     "fiscal_period": ["FY", "FY"], "period_end": [dt.date(2024, 12, 31), dt.date(2025, 12, 31)],
    ...     "value": [1.0, 2.0], "unit": ["USD", "USD"], "source_id": ["s", "s"]})
    >>> latest_fact(f, pd.DataFrame({"id": []}), "c:a", ("capex",)).value
    2.0
    """
    if facts is None or facts.empty:
        return None
    mine = facts[(facts["company"] == company) & (facts["unit"].fillna("USD") == "USD")]
    for metric in metrics:
        rows = mine[mine["metric"] == metric]
        if rows.empty:
            continue
        annual = rows[rows["fiscal_period"] == "FY"]
        pick = (annual if not annual.empty else rows).sort_values("period_end", kind="mergesort").iloc[-1]
        fy = pick["fiscal_year"]
        label = f"FY{int(fy)}" if pd.notna(fy) and pick["fiscal_period"] == "FY" else f"period ending {pick['period_end']}"
        est = pick.get("estimate")
        return FactRef(
            value=float(pick["value"]),
            metric=metric,
            period_end=str(pick["period_end"]),
            source=f"{metric} {label} ({source_text(sources, str(pick['source_id']))})",
            estimate=triple(props(est)) if isinstance(est, str) and est else None,
        )
    return None


def operating_income(facts: pd.DataFrame, sources: pd.DataFrame, company: str) -> FactRef | None:
    """The company's latest annual operating income, the one earnings basis; ``None`` when not in the graph."""
    return latest_fact(facts, sources, company, ("operating_income",))


@dataclass(frozen=True)
class Bases:
    """Per price node (matrix order): the money the ledger is sized with.

    Attributes
    ----------
    revenue : ndarray
        Base annual revenue, USD (companies: filed revenue, else cost base /
        ratio; products: market size); NaN when unknown (consumer segments).
    cost : ndarray
        Base annual cost of revenue, USD (the base of curated cost shares).
    ratio : ndarray
        Cost-to-revenue ratio used to turn a share of cost into dollars per
        dollar of revenue (1 for products and consumer segments).
    revenue_source, cost_source, ratio_source : tuple of str
    """

    revenue: np.ndarray
    cost: np.ndarray
    ratio: np.ndarray
    revenue_source: tuple[str, ...]
    cost_source: tuple[str, ...]
    ratio_source: tuple[str, ...]


def _role_ratio(roles: tuple[str, ...]) -> tuple[tuple[float, float, float], str]:
    known = [r for r in roles if r in DEFAULT_COST_TO_REVENUE]
    if not known:
        return _FALLBACK_RATIO, "chainshock default cost-to-revenue (no role default applies), estimate"
    role = max(known, key=lambda r: DEFAULT_COST_TO_REVENUE[r][1])
    return DEFAULT_COST_TO_REVENUE[role], f"chainshock default cost-to-revenue for role {role}, estimate"


def company_bases(system: System, nodes: pd.DataFrame, facts: pd.DataFrame, sources: pd.DataFrame) -> Bases:
    """Revenue, cost base and cost-to-revenue ratio for every price node.

    The cost base is the curated ``cost_base_usd`` (the base the curated cost
    shares were written against), else the latest ``cost_of_revenue`` fact.
    The ratio is cost base / filed revenue where both exist, else the role
    default (:data:`DEFAULT_COST_TO_REVENUE`), and revenue then is cost
    base / ratio.
    """
    n = system.n
    node_props = dict(zip(nodes["id"], nodes["properties"], strict=True))
    revenue = np.full(n, np.nan)
    cost = np.full(n, np.nan)
    ratio = np.ones(n)
    rsrc, csrc, qsrc = [""] * n, [""] * n, [""] * n
    for k, node in enumerate(system.ids):
        p = props(node_props.get(node))
        if system.labels[k] == "Product":
            size = triple(p.get("market_size_usd"))
            if size is not None:
                revenue[k] = size[1]
                rsrc[k] = f"market size: {p['market_size_usd'].get('basis', '')}".strip()
            qsrc[k] = "product: a market, its sales are its producers' revenue"
            continue
        if "consumer_segment" in system.roles[k]:
            qsrc[k] = "consumer segment: final demand"
            continue
        est = triple(p.get("cost_base_usd"))
        if est is not None:
            cost[k] = est[1]
            basis = p["cost_base_usd"].get("basis", "") if isinstance(p["cost_base_usd"], dict) else ""
            csrc[k] = f"curated cost_base_usd: {basis}".strip()
        else:
            fact = latest_fact(facts, sources, node, ("cost_of_revenue",))
            if fact is not None:
                cost[k], csrc[k] = fact.value, fact.source
        rev = latest_fact(facts, sources, node, ("revenue",))
        if rev is not None and rev.value > 0:
            revenue[k], rsrc[k] = rev.value, rev.source
            if not np.isnan(cost[k]):
                ratio[k] = cost[k] / rev.value
                qsrc[k] = f"cost base / {rev.source}"
                continue
        default, why = _role_ratio(system.roles[k])
        ratio[k] = default[1]
        qsrc[k] = why
        if np.isnan(revenue[k]) and not np.isnan(cost[k]):
            revenue[k] = cost[k] / ratio[k]
            rsrc[k] = f"cost base / {why}"
    return Bases(revenue, cost, ratio, tuple(rsrc), tuple(csrc), tuple(qsrc))
