"""From arrays to the result's rows: impacts, paths, ledger lines, balance, conversions.

Pure functions over the solved arrays (price path, ledger); nothing here
computes economics, it only reads and rounds nothing.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .attribution import top_walks
from .contracts import Quarter
from .facts import Bases
from .ledger import Ledger, balance
from .matrices import System
from .montecarlo import percentiles
from .result import BalanceRow, Conversion, Impact, LedgerEntry, PathEdge, QuarterValue, ShockPath

__all__ = ["balance_rows", "conversions", "impacts", "ledger_rows", "paths", "tier"]

_KIND_NAMES = {0: "USES", 1: "SUPPLIES", 2: "PRODUCES"}
_TINY = 1e-12


def _stats(x: np.ndarray) -> tuple[float | None, float | None, float | None]:
    if x.shape[0] <= 1:
        return None, None, None
    p5, p50, p95 = percentiles(x[None, :])
    return float(p5[0]), float(p50[0]), float(p95[0])


def tier(system: System, k: int) -> str:
    """The node's tier (memory, chips, servers, cloud, ...)."""
    from chainshock.graph.schema import tier_of

    return tier_of(system.labels[k], system.roles[k], system.categories[k])


def producer_prices(
    system: System, P: np.ndarray, SS: np.ndarray, revenue: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A producer whose own price does not move shows the price of what it makes.

    A memory maker's price in the model is flat (its products are markets,
    :mod:`.matrices`); its row shows the revenue-weighted price change of
    the products it makes instead: weights = its market share × the
    product's market size (its implied revenue from each product).
    Returns ``P`` and ``SS`` with those rows filled, and a mask of them.

    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(n=3, kinds=np.array([2, 2]), rows=np.array([0, 0]), cols=np.array([1, 2]),
    ...     base=np.array([0.5, 0.1]), labels=("Company", "Product", "Product"))
    >>> P = np.zeros((1, 3, 1)); P[0, 1, 0], P[0, 2, 0] = 0.3, 0.1
    >>> P2, _, mask = producer_prices(s, P, P[0], np.array([np.nan, 30.0, 50.0]))
    >>> round(float(P2[0, 0, 0]), 4), mask.tolist()  # (0.5·30·0.3 + 0.1·50·0.1) / (15 + 5)
    (0.25, [True, False, False])
    """
    n = system.n
    e = np.flatnonzero(system.kinds == 2)
    company = np.array([lab == "Company" for lab in system.labels], dtype=bool)
    e = e[company[system.rows[e]]]
    w = system.base[e] * np.nan_to_num(np.asarray(revenue, dtype=float)[system.cols[e]])
    den = np.bincount(system.rows[e], weights=w, minlength=n)
    flat = (np.abs(P).max(axis=(0, 2)) == 0) & (np.abs(SS).max(axis=1) == 0)
    mask = (den > 0) & flat
    if not mask.any():
        return P, SS, mask
    P, SS = P.copy(), SS.copy()
    for k in np.flatnonzero(mask):
        sel = system.rows[e] == k
        P[:, k, :] = np.tensordot(w[sel], P[:, system.cols[e][sel], :], axes=([0], [1])) / den[k]
        SS[k, :] = (w[sel][:, None] * SS[system.cols[e][sel], :]).sum(axis=0) / den[k]
    return P, SS, mask


def impacts(
    system: System,
    qs: list[Quarter],
    P: np.ndarray,
    SS: np.ndarray,
    cost: np.ndarray,
    ledger: Ledger,
    bases: Bases,
    shielded: set[str],
) -> list[Impact]:
    """One :class:`Impact` per node that moves in price or in the ledger."""
    from chainshock.graph.schema import TIERS

    P, SS, weighted = producer_prices(system, P, SS, bases.revenue)
    last = P[-1]
    D = P.shape[2] - 1
    pq = np.percentile(P[:, :, 1:], [5, 50, 95], axis=2) if D > 0 else None
    rev = ledger.revenue.sum(axis=0)  # (n, C) over the horizon
    cst = ledger.cost.sum(axis=0)
    oi = ledger.operating_income.sum(axis=0)
    out: list[Impact] = []
    for k in range(system.n):
        is_company = system.labels[k] == "Company"
        money = max(abs(rev[k, 0]), abs(cst[k, 0]), abs(oi[k, 0])) if is_company else 0.0
        if max(abs(last[k, 0]), abs(SS[k, 0])) <= _TINY and money <= 1e-6:
            continue
        p5, p50, p95 = _stats(last[k])
        o5, _, o95 = _stats(oi[k]) if is_company else (None, None, None)
        m5, m50, m95 = _stats(np.maximum(-oi[k], 0.0)) if is_company else (None, None, None)
        path = [
            QuarterValue(
                quarter=q.label,
                price_change=float(P[j, k, 0]),
                p5=float(pq[0, j, k]) if pq is not None else None,
                p50=float(pq[1, j, k]) if pq is not None else None,
                p95=float(pq[2, j, k]) if pq is not None else None,
            )
            for j, q in enumerate(qs)
        ]
        seg = "consumer_segment" in system.roles[k]
        out.append(
            Impact(
                node=system.ids[k],
                name=system.names[k],
                label=system.labels[k],
                tier=tier(system, k),
                roles=list(system.roles[k]),
                category=system.categories[k],
                price_change=float(last[k, 0]),
                price_basis="products" if weighted[k] else "own",
                p5=p5,
                p50=p50,
                p95=p95,
                steady_state=float(SS[k, 0]),
                input_cost_change=float(cost[k, 0]) if is_company else None,
                pass_through=float(system.theta_base[k]) if is_company else None,
                pass_through_source=system.theta_source[k] if is_company else None,
                revenue_change_usd=float(rev[k, 0]) if is_company else None,
                cost_change_usd=float(cst[k, 0]) if is_company else None,
                operating_income_change_usd=float(oi[k, 0]) if is_company and not seg else None,
                operating_income_p5=o5 if not seg else None,
                operating_income_p95=o95 if not seg else None,
                margin_hit_usd=float(max(-oi[k, 0], 0.0)) if is_company and not seg else None,
                margin_hit_p5=m5 if not seg else None,
                margin_hit_p50=m50 if not seg else None,
                margin_hit_p95=m95 if not seg else None,
                cost_base_usd=float(bases.cost[k]) if is_company and np.isfinite(bases.cost[k]) else None,
                cost_base_source=bases.cost_source[k] or None if is_company else None,
                windfall_usd=float(max(oi[k, 0], 0.0)) if is_company and not seg else None,
                shielded=system.ids[k] in shielded,
                path=path,
            )
        )
    order = {t: i for i, t in enumerate(TIERS)}
    out.sort(key=lambda i: (order.get(i.tier, len(order)), -abs(i.price_change), i.node))
    return out


def ledger_rows(system: System, ledger: Ledger, qs: list[Quarter]) -> list[LedgerEntry]:
    """Every non-zero ledger line (base values), plus the parties outside the graph."""
    out: list[LedgerEntry] = []
    oi = ledger.operating_income
    for j, q in enumerate(qs):
        for k in range(system.n):
            if ledger.product[k]:
                continue
            r, c, d = ledger.revenue[j, k, 0], ledger.cost[j, k, 0], ledger.depreciation[j, k, 0]
            if max(abs(r), abs(c), abs(d)) <= 1e-6:
                continue
            out.append(
                LedgerEntry(
                    node=system.ids[k],
                    name=system.names[k],
                    kind="consumer_segment" if ledger.segment[k] else "company",
                    quarter=q.label,
                    revenue_change_usd=float(r),
                    cost_change_usd=float(c),
                    depreciation_change_usd=float(d),
                    operating_income_change_usd=float(oi[j, k, 0]),
                )
            )
        if abs(ledger.outside_buyers[j, 0]) > 1e-6:
            v = float(ledger.outside_buyers[j, 0])
            out.append(LedgerEntry(node="outside:buyers", name="buyers outside the graph", kind="outside",
                                   quarter=q.label, revenue_change_usd=0.0, cost_change_usd=v,
                                   operating_income_change_usd=-v))
        if ledger.lenders is not None and abs(ledger.lenders[j, 0]) > 1e-6:
            v = float(ledger.lenders[j, 0])
            out.append(LedgerEntry(node="outside:lenders", name="lenders outside the graph (interest on capex debt)",
                                   kind="outside", quarter=q.label, revenue_change_usd=v, cost_change_usd=0.0,
                                   operating_income_change_usd=v))
        if abs(ledger.outside_producers[j, 0]) > 1e-6:
            v = float(ledger.outside_producers[j, 0])
            out.append(LedgerEntry(node="outside:producers", name="producers, suppliers and wages outside the graph",
                                   kind="outside", quarter=q.label, revenue_change_usd=v, cost_change_usd=0.0,
                                   operating_income_change_usd=v))
    return out


def balance_rows(ledger: Ledger, qs: list[Quarter]) -> list[BalanceRow]:
    """The per-quarter balance check (base values)."""
    return [
        BalanceRow(
            quarter=q.label,
            paid_usd=float(b.paid[0]),
            received_usd=float(b.received[0]),
            final_demand_usd=float(b.final_demand[0]),
            residual_usd=float(b.residual[0]),
        )
        for q, b in zip(qs, balance(ledger), strict=True)
    ]


def conversions(system: System, bases: Bases, used: np.ndarray) -> list[Conversion]:
    """How each buyer with cost shares got its cost-to-revenue ratio."""
    return [
        Conversion(
            node=system.ids[k],
            cost_base_usd=float(bases.cost[k]) if np.isfinite(bases.cost[k]) else None,
            revenue_usd=float(bases.revenue[k]) if np.isfinite(bases.revenue[k]) else None,
            cost_to_revenue=float(bases.ratio[k]),
            source=bases.ratio_source[k],
        )
        for k in sorted(set(used.tolist()))
        if system.labels[k] == "Company" and "consumer_segment" not in system.roles[k]
    ]


def paths(system: System, M: Any, s: np.ndarray, k: int, steady: np.ndarray) -> list[ShockPath]:
    """The top-``k`` walks carrying the shock ``s`` to every node (exact Neumann terms)."""
    walks = top_walks(M, s, k)
    # the entry behind each step (the heaviest when several edges join two nodes)
    step: dict[tuple[int, int], tuple[str, float]] = {}
    for e in range(len(system.rows)):
        key = (int(system.rows[e]), int(system.cols[e]))
        w = float(system.base[e])
        if key not in step or w > step[key][1]:
            step[key] = (_KIND_NAMES[int(system.kinds[e])], w)
    via: dict[tuple[str, str], list[str]] = {}
    for src in system.sourcing:
        via.setdefault((src.product, src.buyer), []).append(src.supplier)
    Mc = M.tocsr()
    out: list[ShockPath] = []
    for target in sorted(walks, key=lambda t: -abs(steady[t])):
        for walk, value in walks[target]:
            edges = []
            for a, b in itertools.pairwise(walk):
                kind = step.get((a, b), ("SUPPLIES", 0.0))[0]
                edges.append(
                    PathEdge(
                        type=kind,
                        source=system.ids[a],
                        target=system.ids[b],
                        weight=float(Mc[b, a]),
                        via=sorted(via.get((system.ids[a], system.ids[b]), [])) if kind == "USES" else [],
                    )
                )
            out.append(
                ShockPath(
                    target=system.ids[target],
                    target_name=system.names[target],
                    shock=system.ids[walk[0]],
                    nodes=[system.ids[v] for v in walk],
                    names=[system.names[v] for v in walk],
                    edges=edges,
                    contribution=float(value),
                    share=float(value / steady[target]) if abs(steady[target]) > _TINY else 0.0,
                )
            )
    return out
