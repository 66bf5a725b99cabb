"""One dollar ledger: what every buyer pays more, some seller receives.

For each coefficient ``e`` of the value-terms matrix ``A`` (seller ``i``,
buyer ``j``) the base annual flow is ``flow_e = A_e · revenue_j`` (for a
company buyer that is its cost share times its cost base; for a product it
is a producer's market share times the market size). In quarter ``q``::

    Δpayment_e,q = flow_e / 4 · m_e,q · Δp_i,q−lag_e

with ``m_e,q`` the contract multiplier (1 − the share held at a fixed price
in that quarter), so a fixed-price contract shields **both** parties: the
buyer pays less more and the seller receives less more. Summed per node:
``Δcost_j`` (what j pays) and ``Δrevenue_i`` (what i receives).

What a seller sells outside the graph's sized flows (its revenue less its
flows to graph buyers) is **final demand**: ``(revenue_i − Σ flow_i·) / 4 ·
Δp_i,q``, booked to the consumer segments the seller supplies (split by the
segment edges' shares) or to *buyers outside the graph*. A product is a
market, not a firm: what it receives beyond what it pays its producers
(the exogenous part of its price change, less contract shortfalls) goes to
its producers by market share and, for the share no producer in the graph
holds, to *producers outside the graph*. The ledger therefore balances in
every quarter and every draw::

    Σ Δrevenue (graph companies + producers outside) =
        Σ Δcost (graph companies) + Δ final-demand spend

and Δoperating income = Δrevenue − Δcost − Δdepreciation per company.

Examples
--------
>>> # seller 0 (revenue 100) sells 40 a year to buyer 1 (revenue 50); seller's price +10%
>>> P = np.zeros((1, 2, 1)); P[0, 0, 0] = 0.1
>>> led = price_ledger(np.array([0]), np.array([1]), np.array([0]), np.array([[0.8]]),
...     np.array([100.0, 50.0]), P, None, segment=np.array([False, False]), product=np.array([False, False]))
>>> led.revenue[0, :, 0].tolist(), led.cost[0, :, 0].tolist(), led.outside_buyers[0].tolist()
([2.5, 0.0], [0.0, 1.0], [1.5])
>>> float(balance(led)[0].residual[0])
0.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .propagation import scatter_matrix

__all__ = ["Balance", "Ledger", "balance", "price_ledger"]


@dataclass
class Ledger:
    """Quarterly USD changes, shape (Q, n, C) per node and draw (column 0 = base values).

    Products carry nothing (their receipts are passed to their producers);
    consumer segments carry their final-demand spend in ``cost``.
    """

    revenue: np.ndarray
    cost: np.ndarray
    depreciation: np.ndarray
    final: np.ndarray  # (Q, n, C): final-demand spend of each consumer segment (also in ``cost``)
    outside_buyers: np.ndarray  # (Q, C): final demand by buyers outside the graph
    outside_producers: np.ndarray  # (Q, C): revenue of producers (and wages, suppliers) outside the graph
    segment: np.ndarray  # (n,) bool
    product: np.ndarray  # (n,) bool
    unsized: tuple[int, ...] = ()  # sellers whose graph purchases exceed their revenue (final demand clipped to 0)
    investment: np.ndarray | None = None  # (Q, n, C): extra capex, final demand by the company (not a cost)
    lenders: np.ndarray | None = None  # (Q, C): interest received by lenders outside the graph

    @property
    def operating_income(self) -> np.ndarray:
        """``Δrevenue − Δcost − Δdepreciation`` (segments: minus what they pay)."""
        return self.revenue - self.cost - self.depreciation

    def add(self, other: Ledger) -> Ledger:
        """The sum of two ledgers over the same nodes, quarters and draws."""
        return Ledger(
            self.revenue + other.revenue,
            self.cost + other.cost,
            self.depreciation + other.depreciation,
            self.final + other.final,
            self.outside_buyers + other.outside_buyers,
            self.outside_producers + other.outside_producers,
            self.segment,
            self.product,
            tuple(sorted(set(self.unsized) | set(other.unsized))),
            _plus(self.investment, other.investment),
            _plus(self.lenders, other.lenders),
        )


def _plus(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a + b


@dataclass(frozen=True)
class Balance:
    """One quarter's check: received − paid − final demand (per draw)."""

    paid: np.ndarray
    received: np.ndarray
    final_demand: np.ndarray
    residual: np.ndarray


class _Sum:
    """``Σ_e x[e]`` into ``idx[e]``: bincount for a few draws, a sparse product for many."""

    def __init__(self, idx: np.ndarray, n: int):
        self.idx, self.n = idx, n
        self._G: sp.csr_matrix | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 1:
            return np.bincount(self.idx, weights=x, minlength=self.n)
        if x.shape[1] <= 8:
            return np.stack([np.bincount(self.idx, weights=x[:, c], minlength=self.n) for c in range(x.shape[1])], 1)
        if self._G is None:
            self._G = scatter_matrix(self.idx, self.n)
        return np.asarray(self._G @ x)


def price_ledger(
    rows: np.ndarray,
    cols: np.ndarray,
    lags: np.ndarray,
    V: np.ndarray,
    revenue: np.ndarray,
    P: np.ndarray,
    multipliers: Sequence[np.ndarray] | None,
    *,
    segment: np.ndarray,
    product: np.ndarray,
    produces: np.ndarray | None = None,
    premium: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    charges: Sequence[sp.csr_matrix] | None = None,
) -> Ledger:
    """The ledger of a price path.

    Parameters
    ----------
    rows, cols, lags : ndarray, shape (E,)
        Entry ``e`` is ``A[rows[e], cols[e]]`` (seller, buyer), applied ``lags[e]`` quarters later.
    V : ndarray, shape (E, C)
        Value-terms coefficients per draw.
    revenue : ndarray, shape (n,)
        Base annual revenue (market size for products); NaN when unknown.
    P : ndarray, shape (Q, n, C)
        Price change per quarter, node and draw (fractions).
    multipliers : list of (E, C) arrays, or None
        Contract multipliers per quarter (1 = unshielded).
    segment, product : ndarray of bool, shape (n,)
        Consumer segments (final buyers) and products (markets).
    produces : ndarray of bool, shape (E,), optional
        PRODUCES entries (a producer's market share); default: entries whose buyer is a product.
    premium : (entries, products, S), optional
        SUPPLIES entries that name a product pay that product's exogenous
        shock ``S[q, product]`` (Q, n, C) on top of the seller's price change.
    charges : list of (n, E) sparse matrices, optional
        Per quarter, the share of each entry's contract shortfall charged to
        the sellers the contract names (:func:`~chainshock.queries.contracts.seller_charges`);
        the rest of a product's shortfall is shared by its producers by market share.

    Examples
    --------
    A fixed-price contract shields half of buyer 3's purchases of product 0, made by
    companies 1 and 2 (60/40); it names seller 1, which forgoes the whole shortfall:

    >>> rows, cols = np.array([1, 2, 0]), np.array([0, 0, 3])
    >>> V = np.array([[0.6], [0.4], [0.5]])
    >>> P = np.zeros((1, 4, 1)); P[0, 0, 0] = 0.1  # the market price rises 10%
    >>> m = [np.array([[1.0], [1.0], [0.5]])]
    >>> R = [sp.csr_matrix(([1.0], ([1], [2])), shape=(4, 3))]
    >>> args = (rows, cols, np.zeros(3, int), V, np.array([np.nan, 50.0, 50.0, 100.0]), P, m)
    >>> kw = dict(segment=np.zeros(4, bool), product=np.array([True, False, False, False]))
    >>> price_ledger(*args, **kw).revenue[0, 1:3, 0].round(4).tolist()  # market share
    [0.375, 0.25]
    >>> led = price_ledger(*args, **kw, charges=R)
    >>> led.revenue[0, 1:3, 0].round(4).tolist(), float(balance(led)[0].residual[0])  # named seller
    ([0.125, 0.5], 0.0)
    """
    Q, n, C = P.shape
    E = len(rows)
    produces = product[cols] if produces is None else produces
    revenue = np.asarray(revenue, dtype=float).copy()
    sell, buy = _Sum(rows, n), _Sum(cols, n)
    # a product without a market size is as big as what the graph's buyers spend on it
    implicit = product & ~np.isfinite(revenue)
    if implicit.any() and E:
        bought = ~product[cols] & ~segment[cols] & np.isfinite(revenue[cols])
        spend = sell(np.where(bought, V[:, 0] * np.nan_to_num(revenue[cols]), 0.0))
        revenue[implicit] = spend[implicit]
    rev_base = np.nan_to_num(revenue, nan=0.0)
    # a buyer's flows are sized by its revenue; segments and buyers without one have none
    per_buyer = np.where(~segment & np.isfinite(revenue), rev_base / 4.0, 0.0)  # per quarter
    flow = V * np.take(per_buyer, cols)[:, None] if E else np.zeros((0, C))
    sold = 4.0 * sell(flow) if E else np.zeros((n, C))
    remainder = np.maximum(rev_base[:, None] - sold, 0.0)
    remainder[segment] = 0.0
    unsized = tuple(np.flatnonzero((sold[:, 0] > rev_base * (1 + 1e-9)) & ~segment & ~implicit).tolist())
    # final demand of each seller goes to the segments it supplies, by the segment edges' shares
    seg_idx = np.flatnonzero(segment[cols]) if E and segment.any() else np.zeros(0, dtype=np.int64)
    seg_tot = _Sum(rows[seg_idx], n)(V[seg_idx]) if seg_idx.size else np.zeros((n, C))
    seg_frac = V[seg_idx] / seg_tot[rows[seg_idx]] if seg_idx.size else np.zeros((0, C))
    seg_buy = _Sum(cols[seg_idx], n)
    has_seg = seg_tot > 0
    if E and lags.min() == lags.max():  # one lag for every entry (no sort of a large array)
        groups = {int(lags[0]): np.arange(E)}
    else:
        groups = {int(lag): np.flatnonzero(lags == lag) for lag in np.unique(lags)} if E else {}
    prod_idx = np.flatnonzero(produces) if E else np.zeros(0, dtype=np.int64)
    markets = np.flatnonzero(product)
    prod_sell = _Sum(rows[prod_idx], n)
    share_in = _Sum(cols[prod_idx], n)(V[prod_idx]) if prod_idx.size else np.zeros((n, C))

    revenue_q = np.zeros((Q, n, C))
    cost_q = np.zeros((Q, n, C))
    final_q = np.zeros((Q, n, C))
    out_buy = np.zeros((Q, C))
    out_prod = np.zeros((Q, C))
    named = charges is not None and multipliers is not None
    for q in range(Q):
        full = None
        if len(groups) == 1 and q - next(iter(groups)) >= 0:  # one lag for every entry: no fancy indexing
            pay = flow * np.take(P[q - next(iter(groups))], rows, axis=0)
            if multipliers is not None:
                full = pay.copy() if named else None
                pay *= multipliers[q]
        else:
            pay = np.zeros((E, C))
            full = np.zeros((E, C)) if named else None
            for lag, idx in groups.items():
                if q - lag < 0:
                    continue
                m = 1.0 if multipliers is None else multipliers[q][idx]
                pay[idx] = flow[idx] * P[q - lag][rows[idx]]
                if full is not None:
                    full[idx] = pay[idx]
                pay[idx] *= m
        if premium is not None and premium[0].size:
            pidx, pprod, S = premium
            back = q - lags[pidx]
            ok = back >= 0
            m = 1.0 if multipliers is None else multipliers[q][pidx]
            add = flow[pidx] * m * np.where(ok[:, None], S[np.maximum(back, 0), pprod], 0.0)
            pay[pidx] += add
        rev = sell(pay) if E else np.zeros((n, C))
        cost = buy(pay) if E else np.zeros((n, C))
        short = None
        if named and full is not None:
            assert charges is not None
            R = charges[q]
            short = full - pay  # what the contracts keep buyers from paying, per entry
            # the market keeps its unshielded receipts for its producers; the named sellers forgo the shortfall
            rev += sell(np.asarray(R.sum(axis=0)).ravel()[:, None] * short)
        fin = remainder / 4.0 * P[q]
        rev += fin
        if seg_idx.size:
            final_q[q] = seg_buy(seg_frac * fin[rows[seg_idx]])
        out_buy[q] = (np.where(has_seg, 0.0, fin) if seg_idx.size else fin).sum(axis=0)
        # products: pass what they keep (receipts − payments to producers) on by market share
        if markets.size:
            net = np.zeros((n, C))
            net[markets] = rev[markets] - cost[markets]
            if prod_idx.size:
                rev += prod_sell(V[prod_idx] * net[cols[prod_idx]])
            out_prod[q] = (net[markets] * (1.0 - share_in[markets])).sum(axis=0)
        if short is not None:
            rev -= np.asarray(R @ short)
        rev[markets] = 0.0
        cost[markets] = 0.0
        cost += final_q[q]
        revenue_q[q], cost_q[q] = rev, cost
    return Ledger(
        revenue_q, cost_q, np.zeros_like(cost_q), final_q, out_buy, out_prod, segment, product, unsized
    )


def balance(ledger: Ledger) -> list[Balance]:
    """Per quarter: paid (graph companies' Δcost), received, final demand, residual.

    ``residual = received − paid − final_demand``; it is zero up to rounding.
    """
    firms = ~ledger.segment & ~ledger.product
    out = []
    for q in range(ledger.revenue.shape[0]):
        paid = ledger.cost[q][firms].sum(axis=0)
        received = ledger.revenue[q][firms].sum(axis=0) + ledger.outside_producers[q]
        if ledger.lenders is not None:
            received = received + ledger.lenders[q]
        final = ledger.final[q][ledger.segment].sum(axis=0) + ledger.outside_buyers[q]
        if ledger.investment is not None:
            final = final + ledger.investment[q].sum(axis=0)
        out.append(Balance(paid, received, final, received - paid - final))
    return out
