"""What extra capex costs to run and to finance: electricity and interest, in the ledger.

Two running costs follow a hyperscaler's extra capex ``Δcapex`` (USD a year,
spent evenly from the scenario's first quarter), both booked quarter by
quarter in the same dollar ledger as the price and capex entries:

**Electricity.** Capex buys capacity, capacity draws power::

    GW online in quarter q = max(q − lag + 1, 0) · (Δcapex / 4) / usd_per_gw
    Δelectricity spend_q  = GW online · 1,000 MW/GW · load_factor · 2,190 h · usd_per_mwh

(``lag``: quarters from the average capex dollar to the capacity it buys
running). The hyperscaler pays it (a cost); the utilities that supply it
in the graph (its electricity ``SUPPLIES`` edges, PPAs included: a PPA fixes
the price, the volume still flows to its counterparty) receive it in
proportion to those edges' base cost shares — all of it, so an upper bound
for them, since new sites may be served by other utilities. A hyperscaler
with no electricity supplier in the graph pays producers outside it. A
utility keeps its operating margin; the rest of what it receives is paid to
parties outside the graph (fuel, wages, suppliers).

**Financing.** A share of the extra capex is debt-financed; its interest,
``debt_share · cost_of_debt / 4`` a quarter on the debt raised so far,
is a cost of the hyperscaler paid to lenders outside the graph (the
ledger's ``lenders``), so the ledger still balances.

Examples
--------
>>> # 4 quarters, $35B a year more capex at $35B/GW, online one quarter later, 70% load at $80/MWh
>>> gw = online_gw(np.array([[35e9]]), np.array([35e9]), 1, 4)
>>> gw[:, 0, 0].tolist()
[0.0, 0.25, 0.5, 0.75]
>>> spend = electricity_spend(gw, np.array([0.7]), np.array([80.0]))
>>> round(float(spend[1, 0, 0]) / 1e6, 2)  # $M in the first quarter online
30.66
"""

from __future__ import annotations

import numpy as np

from .ledger import Ledger

__all__ = ["HOURS_PER_QUARTER", "electricity_ledger", "electricity_spend", "financing_ledger", "online_gw"]

HOURS_PER_QUARTER = 8760.0 / 4


def online_gw(dcapex: np.ndarray, usd_per_gw: np.ndarray, lag: int, Q: int) -> np.ndarray:
    """Capacity (GW) the extra capex has brought online per quarter, node and draw: (Q, n, C).

    ``dcapex`` is (n, C) USD a year; ``usd_per_gw`` (C,).
    """
    quarters = np.maximum(np.arange(Q) - lag + 1, 0).astype(float)
    per_quarter = dcapex / 4.0 / np.asarray(usd_per_gw, dtype=float)[None, :]
    return quarters[:, None, None] * per_quarter[None]


def electricity_spend(gw: np.ndarray, load_factor: np.ndarray, usd_per_mwh: np.ndarray) -> np.ndarray:
    """USD a quarter of electricity drawn by ``gw`` (Q, n, C) at ``load_factor`` and ``usd_per_mwh`` (C,)."""
    return gw * 1000.0 * HOURS_PER_QUARTER * (np.asarray(load_factor) * np.asarray(usd_per_mwh))[None, None, :]


def electricity_ledger(
    spend: np.ndarray,
    supplier: np.ndarray,
    buyer: np.ndarray,
    weight: np.ndarray,
    margin: np.ndarray,
    *,
    segment: np.ndarray,
    product: np.ndarray,
) -> Ledger:
    """Ledger of the electricity ``spend`` (Q, n, C) each buyer pays.

    Parameters
    ----------
    spend : ndarray, shape (Q, n, C)
        Extra electricity bought per quarter by each node (non-zero for hyperscalers).
    supplier, buyer : ndarray, shape (S,)
        The graph's electricity supply edges (utility, buyer).
    weight : ndarray, shape (S,) or (Q, S)
        Their weights (base cost shares; per quarter, zero while an edge's
        PPA has not started): a buyer's spend in a quarter is split over its
        edges by weight; with no weight that quarter it goes outside the graph.
    margin : ndarray, shape (n,)
        Each supplier's operating margin (NaN: none kept, costs equal revenue).

    >>> spend = np.zeros((1, 4, 1)); spend[0, 0, 0] = 10.0; spend[0, 3, 0] = 5.0
    >>> led = electricity_ledger(spend, np.array([1, 2]), np.array([0, 0]), np.array([3.0, 1.0]),
    ...     np.array([np.nan, 0.2, np.nan, np.nan]), segment=np.zeros(4, bool), product=np.zeros(4, bool))
    >>> led.revenue[0, :, 0].tolist(), led.operating_income[0, :, 0].tolist()
    ([0.0, 7.5, 2.5, 0.0], [-10.0, 1.5, 0.0, -5.0])
    >>> from chainshock.queries.ledger import balance
    >>> float(balance(led)[0].residual[0])
    0.0
    """
    Q, n, C = spend.shape
    S = len(supplier)
    weight = np.broadcast_to(np.asarray(weight, dtype=float), (Q, S))
    total = np.zeros((Q, n))
    for s in range(S):
        total[:, buyer[s]] += weight[:, s]
    revenue = np.zeros((Q, n, C))
    for s in range(S):
        frac = np.divide(weight[:, s], total[:, buyer[s]], out=np.zeros(Q), where=total[:, buyer[s]] > 0)
        revenue[:, supplier[s], :] += frac[:, None] * spend[:, buyer[s], :]
    m = np.where(np.isfinite(margin), margin, 0.0)[None, :, None]
    upkeep = (1.0 - m) * revenue  # what the utilities pay outside the graph to produce it
    unserved = np.where((total > 0)[:, :, None], 0.0, spend).sum(axis=1)
    cost = spend + upkeep
    outside = unserved + upkeep.sum(axis=1)
    return Ledger(revenue, cost, np.zeros_like(cost), np.zeros_like(cost), np.zeros((Q, C)), outside,
                  segment, product)


def financing_ledger(
    dcapex: np.ndarray, debt_share: np.ndarray, rate: np.ndarray, Q: int, *, segment: np.ndarray, product: np.ndarray
) -> Ledger:
    """Interest on the debt-financed share of the extra capex, paid to lenders outside the graph.

    After ``q + 1`` quarters of extra spending the debt is ``(q + 1)·Δcapex/4·debt_share``;
    a quarter's interest is that times ``rate / 4``.

    >>> led = financing_ledger(np.array([[400.0]]), np.array([0.5]), np.array([0.08]), 2,
    ...     segment=np.zeros(1, bool), product=np.zeros(1, bool))
    >>> led.cost[:, 0, 0].tolist(), led.lenders[:, 0].tolist()
    ([1.0, 2.0], [1.0, 2.0])
    """
    n, C = dcapex.shape
    debt = (np.arange(Q) + 1.0)[:, None, None] * (dcapex / 4.0 * np.asarray(debt_share)[None, :])[None]
    interest = debt * (np.asarray(rate) / 4.0)[None, None, :]
    zeros = np.zeros((Q, n, C))
    return Ledger(zeros, interest, zeros.copy(), zeros.copy(), np.zeros((Q, C)), np.zeros((Q, C)),
                  segment, product, lenders=interest.sum(axis=1))
