"""Demand-pull: where a change in hyperscaler capex lands as revenue.

The quantity model of input-output analysis::

    Δx = A·Δx + Δd      =>   Δx = (I − A)⁻¹ Δd

with ``A`` the same value-share matrix as the price model (``A[i, j]`` =
share of ``j``'s spending that goes to ``i``; a product's sales split over its
producers by market share). Capex enters as final demand at the suppliers
the hyperscalers spend it with: ``Δd_i = Σ_j capex_share[i, j] · Δcapex_j``
from ``SUPPLIES`` edges carrying a ``capex_share``.

References
----------
Miller and Blair (2009), *Input-Output Analysis*, 2nd ed., section 2.3.

Examples
--------
>>> # hyperscaler 0 spends 60% of capex with server maker 1, which buys 70% from chip maker 2
>>> rows, cols = np.array([2]), np.array([1])
>>> V = np.array([[0.7]])
>>> dx, dd = demand_pull(rows, cols, V, np.array([1]), np.array([0]), np.array([[0.6]]),
...                      np.array([[100.0], [0.0], [0.0]]))
>>> dx[:, 0].tolist(), dd[:, 0].tolist()
([0.0, 60.0, 42.0], [0.0, 60.0, 0.0])
"""

from __future__ import annotations

import numpy as np

from .ledger import Ledger
from .propagation import neumann_draws, scatter_matrix

__all__ = ["capex_ledger", "demand_pull", "final_demand"]


def final_demand(
    capex_rows: np.ndarray, capex_cols: np.ndarray, capex_shares: np.ndarray, dcapex: np.ndarray
) -> np.ndarray:
    """``Δd_i = Σ_j capex_share[i, j]·Δcapex_j`` for every draw.

    ``capex_shares`` is (C, D), ``dcapex`` (n, D); the result (n, D).
    """
    n = dcapex.shape[0]
    if capex_rows.size == 0:
        return np.zeros_like(dcapex, dtype=float)
    G = scatter_matrix(capex_rows, n)
    return np.asarray(G @ (capex_shares * dcapex[capex_cols]))


def demand_pull(
    rows: np.ndarray,
    cols: np.ndarray,
    V: np.ndarray,
    capex_rows: np.ndarray,
    capex_cols: np.ndarray,
    capex_shares: np.ndarray,
    dcapex: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Output change ``Δx`` and direct final demand ``Δd`` per node and draw.

    Parameters
    ----------
    rows, cols : ndarray, shape (E,)
        Entry ``e`` is ``A[rows[e], cols[e]]``.
    V : ndarray, shape (E, D)
        Entry values per draw.
    capex_rows, capex_cols : ndarray, shape (C,)
        Capex edge ``c``: supplier ``capex_rows[c]`` gets ``capex_shares[c]``
        of buyer ``capex_cols[c]``'s capex.
    capex_shares : ndarray, shape (C, D)
    dcapex : ndarray, shape (n, D)
        Capex change (USD) per buyer and draw.
    """
    n = dcapex.shape[0]
    dd = final_demand(capex_rows, capex_cols, capex_shares, dcapex)
    # x_i = d_i + Σ_j A[i, j] x_j: entry e reads the buyer cols[e] and adds to rows[e]
    dx = neumann_draws(cols, scatter_matrix(rows, n), V, dd)
    return dx, dd


def capex_ledger(
    rows: np.ndarray,
    cols: np.ndarray,
    V: np.ndarray,
    dx: np.ndarray,
    dcapex: np.ndarray,
    unallocated: np.ndarray,
    margin: np.ndarray,
    life_years: np.ndarray,
    Q: int,
    *,
    segment: np.ndarray,
    product: np.ndarray,
) -> Ledger:
    """The capex change through the same ledger, quarter by quarter (annual rates / 4).

    - every node reached earns ``Δx/4`` a quarter; a company's costs are
      ``(1 − margin)·Δx/4`` (its filed operating margin; NaN margin: costs
      equal revenue, no Δoperating income), of which ``Σ_i A[i, j]·Δx_j/4``
      are paid to graph suppliers (their Δx) and the rest to parties outside
      the graph (suppliers, wages);
    - a product passes its receipts to its producers (that is in Δx) and,
      for the share no producer in the graph holds, outside;
    - the hyperscalers' extra capex is final demand (investment), and
      depreciates straight-line over ``life_years``: after ``q + 1``
      quarters of extra spending, ``(q + 1)·Δcapex/4 / (4·life)`` a quarter.

    >>> led = capex_ledger(np.array([1]), np.array([2]), np.array([[0.5]]),
    ...     np.array([[0.0], [50.0], [100.0]]), np.array([[100.0], [0.0], [0.0]]), np.array([0.0]),
    ...     np.array([np.nan, 0.2, 0.1]), np.array([5.0, np.nan, np.nan]), 2,
    ...     segment=np.zeros(3, dtype=bool), product=np.zeros(3, dtype=bool))
    >>> led.operating_income[1, :, 0].round(3).tolist()
    [-2.5, 2.5, 2.5]
    >>> from chainshock.queries.ledger import balance
    >>> [float(b.residual[0]) for b in balance(led)]
    [0.0, 0.0]
    """
    n, C = dx.shape
    firms = ~segment & ~product
    rev = np.where(firms[:, None], dx, 0.0) / 4.0
    m = np.where(np.isfinite(margin), margin, 0.0)[:, None]
    cost = np.where(firms[:, None], (1.0 - m) * dx, 0.0) / 4.0
    # intermediate purchases (in the graph) per buyer, and the products' shares held outside
    inter = np.asarray(scatter_matrix(cols, n) @ (V * dx[cols])) / 4.0 if len(rows) else np.zeros((n, C))
    outside = (np.where(firms[:, None], cost - inter, 0.0)).sum(axis=0)
    outside += (np.where(product[:, None], dx / 4.0 - inter, 0.0)).sum(axis=0)
    outside += unallocated / 4.0
    invest = dcapex / 4.0
    life = np.where(np.isfinite(life_years) & (life_years > 0), life_years, np.inf)[:, None]
    revenue = np.repeat(rev[None], Q, axis=0)
    costs = np.repeat(cost[None], Q, axis=0)
    dep = np.stack([(q + 1) * invest / (4.0 * life) for q in range(Q)])
    final = np.repeat(invest[None], Q, axis=0)
    out_buy = np.zeros((Q, C))
    out_prod = np.repeat(outside[None], Q, axis=0)
    return Ledger(revenue, costs, dep, np.zeros((Q, n, C)), out_buy, out_prod, segment, product, investment=final)
