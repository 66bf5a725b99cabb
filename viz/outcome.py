"""Who gains and who pays in a shock result, in USD: the one place viz reads it.

The view colours and sizes nodes by a company's change of operating income,
and the report opens with winners and payers; both read this module, so the
two never disagree and only this module knows where the numbers live in a
:class:`~chainshock.queries.result.ShockResult`.

The source is the result's dollar ledger (``result.ledger``: one row per
node and quarter with ``revenue_change_usd``, ``cost_change_usd`` and
``operating_income_change_usd``; every dollar one party pays more another
receives). A result without a ledger (older runs) falls back to the impacts'
own fields: ``windfall_usd − margin_hit_usd``, a rate per year at the end of
the horizon, with no quarterly path; :attr:`Outcome.basis` says which.

Examples
--------
>>> from chainshock.queries.result import Impact, ScenarioInfo, ShockResult
>>> r = ShockResult(
...     scenario=ScenarioInfo(name="demo", quarters=["2026Q1", "2026Q2"]),
...     impacts=[Impact(node="c:a", name="A", label="Company", tier="chips", price_change=0.1,
...                     margin_hit_usd=2e9, windfall_usd=5e8)])
>>> out = outcome(r)
>>> out.operating_income["c:a"], out.by_quarter
(-1500000000.0, False)
>>> winners_and_payers(out, k=3)
([], [('c:a', -1500000000.0)])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainshock.queries.result import ShockResult

__all__ = ["Outcome", "operating_income_change", "outcome", "price_path", "winners_and_payers"]


@dataclass(frozen=True)
class Outcome:
    """Δ operating income (USD) per node, over the horizon and per quarter.

    Attributes
    ----------
    quarters : list of str
        The scenario's quarters, in order.
    operating_income : dict
        node -> Δ operating income in USD (positive = gains): the ledger's
        sum over the horizon, or the fallback's rate per year.
    quarterly : dict
        node -> one Δ operating income per quarter (ledger only).
    revenue, cost : dict
        node -> Δ revenue and Δ cost in USD over the horizon (ledger only).
    names, kinds : dict
        node -> display name and ledger kind (``company``,
        ``consumer_segment`` or ``outside``: buyers and producers the graph
        does not hold, which the ledger keeps so that it balances).
    basis : str
        What the numbers are, for captions: "over 2026Q1–2027Q4" or "a year
        at the end of the horizon".
    by_quarter : bool
        True when the numbers come from the quarterly ledger.
    """

    quarters: list[str]
    operating_income: dict[str, float]
    quarterly: dict[str, list[float]] = field(default_factory=dict)
    revenue: dict[str, float] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    basis: str = ""
    by_quarter: bool = False
    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def _field(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def outcome(result: ShockResult) -> Outcome:
    """Δ operating income per node, read from the ledger when the result has one."""
    quarters = list(result.scenario.quarters)
    ledger = getattr(result, "ledger", None)
    if ledger:
        index = {q: i for i, q in enumerate(quarters)}
        quarterly: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(quarters))
        revenue: dict[str, float] = defaultdict(float)
        cost: dict[str, float] = defaultdict(float)
        names: dict[str, str] = {i.node: i.name for i in result.impacts}
        kinds: dict[str, str] = {}
        for row in ledger:
            node = str(_field(row, "node"))
            if _field(row, "name"):
                names.setdefault(node, str(_field(row, "name")))
            kinds[node] = str(_field(row, "kind") or "company")
            q = index.get(str(_field(row, "quarter")))
            if q is None:
                continue
            quarterly[node][q] += float(_field(row, "operating_income_change_usd") or 0.0)
            revenue[node] += float(_field(row, "revenue_change_usd") or 0.0)
            cost[node] += float(_field(row, "cost_change_usd") or 0.0)
        span = f"{quarters[0]}–{quarters[-1]}" if quarters else "the horizon"
        return Outcome(
            quarters=quarters,
            operating_income={n: sum(v) for n, v in quarterly.items()},
            quarterly=dict(quarterly),
            revenue=dict(revenue),
            cost=dict(cost),
            basis=f"over {span}",
            by_quarter=True,
            names=names,
            kinds=kinds,
        )
    oi: dict[str, float] = {}
    for imp in result.impacts:
        gain = (imp.windfall_usd or 0.0) - (imp.margin_hit_usd or 0.0)
        if imp.windfall_usd is not None or imp.margin_hit_usd is not None:
            oi[imp.node] = gain
    return Outcome(
        quarters=quarters,
        operating_income=oi,
        basis="a year at the end of the horizon",
        names={i.node: i.name for i in result.impacts},
        kinds={i.node: "company" for i in result.impacts if i.label == "Company"},
    )


def operating_income_change(result: ShockResult) -> dict[str, float]:
    """node -> Δ operating income in USD (see :func:`outcome`)."""
    return outcome(result).operating_income


def price_path(result: ShockResult) -> dict[str, list[float]]:
    """node -> price change per scenario quarter (fractions; the last known value carried forward).

    A result without quarters gets one value per node: its end-of-horizon change.
    """
    quarters = list(result.scenario.quarters) or ["end"]
    out: dict[str, list[float]] = {}
    for imp in result.impacts:
        by_q = {p.quarter: p.price_change for p in imp.path}
        if not by_q:
            out[imp.node] = [imp.price_change] * len(quarters)
            continue
        last = 0.0
        values = []
        for q in quarters:
            last = by_q.get(q, last)
            values.append(last)
        out[imp.node] = values
    return out


def winners_and_payers(
    out: Outcome, k: int = 3, exclude: set[str] | frozenset[str] = frozenset()
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The ``k`` largest gains and the ``k`` largest losses of operating income, largest first."""
    items = [(n, v) for n, v in out.operating_income.items() if n not in exclude and v != 0.0]
    winners = sorted((x for x in items if x[1] > 0), key=lambda x: -x[1])[:k]
    payers = sorted((x for x in items if x[1] < 0), key=lambda x: x[1])[:k]
    return winners, payers
